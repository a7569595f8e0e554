using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Pipeline;

namespace SeRanet.Video.Encoder.Video;

/// <summary>
/// Encodes upscaled frames into the output file, muxed with the source's other streams
/// copied untouched (audio, subtitles, attachments, chapters, metadata). Frames reach ffmpeg
/// as a small Matroska stream on stdin so each keeps its source timestamp. RGB frames go back to
/// YCbCr with the source's matrix and range; planar frames are encoded as they are, converted
/// only where the output pixel format differs (subsampling, depth). The colour tags and sample
/// aspect ratio are carried over (rotation is applied to the frames by the decoder, so the output
/// is stored upright). ffmpeg writes a temporary sibling that is renamed on success only.
/// </summary>
public sealed class FrameEncoder
{
    private readonly VideoInfo _source;
    private readonly string _outputPath;
    private readonly EncoderOptions _options;
    private readonly string _pixelFormat;
    private readonly FfmpegLocation _ffmpeg;
    private readonly Action<long>? _framesDone;
    private readonly StreamSelection _streams;
    private readonly RawVideoFormat _frames;

    /// <param name="pixelFormat">The output pixel format, already checked against the encoder (see <see cref="OutputPixelFormat"/>).</param>
    /// <param name="framesDone">Called with the running count of frames handed to ffmpeg.</param>
    /// <param name="frames">The frames it will be given; RGB of the source's depth when null.</param>
    public FrameEncoder(VideoInfo source, string outputPath, EncoderOptions options, string pixelFormat, FfmpegLocation ffmpeg, Action<long>? framesDone = null,
        RawVideoFormat? frames = null)
    {
        _frames = frames ?? RawVideoFormat.RgbFor(source.BitDepth);
        _source = source;
        _outputPath = Path.GetFullPath(outputPath);
        _options = options;
        _pixelFormat = pixelFormat;
        _ffmpeg = ffmpeg;
        _framesDone = framesDone;
        if (string.Equals(_outputPath, Path.GetFullPath(source.Path), StringComparison.Ordinal))
        {
            throw new ArgumentException($"The output {outputPath} is the input itself; choose another name.");
        }
        _streams = CopiedStreams.Select(source.OtherStreams, outputPath);
        if (_streams.Dropped.Count > 0 && !options.DropUnsupportedStreams)
        {
            throw new StreamsNotCarriedException(outputPath, _streams.Dropped);
        }
    }

    /// <summary>
    /// Ticks added to every frame time: Matroska times are unsigned, so a source whose first frame
    /// is before zero (an edit list) is moved later as a whole, its other streams included.
    /// </summary>
    private long PtsShift => _source.FramePts.Count > 0 && _source.FramePts[0] < 0 ? -_source.FramePts[0] : 0;

    /// <summary>How long the source shows its last frame: the step between its last two frames, else one nominal frame.</summary>
    private long LastFrameNanoseconds()
    {
        var pts = _source.FramePts;
        if (pts.Count >= 2)
        {
            long step = pts[^1] - pts[^2];
            if (step > 0)
            {
                return MatroskaFrameWriter.ToNanoseconds(step, _source.TimeBase.Numerator, _source.TimeBase.Denominator);
            }
        }
        return _source.FrameRate.IsValid ? MatroskaFrameWriter.ToNanoseconds(1, _source.FrameRate.Denominator, _source.FrameRate.Numerator) : 0;
    }

    /// <summary>Streams of the source copied into the output.</summary>
    public IReadOnlyList<StreamSummary> CopiedStreamList => _streams.Carried;

    /// <summary>Carried streams the container needs converted, by source index, with the encoder used.</summary>
    public IReadOnlyDictionary<int, string> ConvertedStreams => _streams.Conversions;

    /// <summary>Streams of the source that the output container cannot hold untouched.</summary>
    public IReadOnlyList<StreamSummary> DroppedStreams => _streams.Dropped;

    /// <summary>The ffmpeg command line (after the executable) that writes <paramref name="temporaryPath"/>.</summary>
    public IReadOnlyList<string> Arguments(string temporaryPath) =>
        MuxArguments(["-f", "matroska", "-i", "-"], VideoEncodingArguments(), temporaryPath);

    /// <summary>
    /// The command line that encodes frames from stdin into one chunk of a segmented job: the video
    /// alone, encoded exactly as <see cref="Arguments"/> encodes it, with the frames' own
    /// timestamps, in NUT (which keeps the source's time base, unlike Matroska's milliseconds).
    /// </summary>
    public IReadOnlyList<string> ChunkArguments(string temporaryPath)
    {
        var arguments = new List<string> { "-nostdin", "-v", "error", "-copyts", "-f", "matroska", "-i", "-", "-map", "0:v:0" };
        arguments.AddRange(VideoEncodingArguments());
        // x264 and others decide differently with another thread count; a fixed count makes every
        // machine (and a resumed run) encode the same frames into the same bytes.
        arguments.AddRange(["-threads", ChunkEncoderThreads.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        arguments.AddRange(["-f", "nut", FfmpegPaths.File(temporaryPath)]);
        return arguments;
    }

    /// <summary>
    /// The command line that joins the chunks listed in <paramref name="chunkList"/> (an ffconcat
    /// file) without re-encoding them and muxes the source's other streams as <see cref="Arguments"/> does.
    /// <paramref name="timestampCorrection"/> (in the source's time base) undoes the shift the concat
    /// demuxer applies to the first chunk, so the frames keep the source's times.
    /// </summary>
    public IReadOnlyList<string> JoinArguments(string chunkList, long timestampCorrection, string temporaryPath)
    {
        var video = new List<string> { "-c:v:0", "copy" };
        if (timestampCorrection != 0)
        {
            string shift = timestampCorrection.ToString("+0;-0", System.Globalization.CultureInfo.InvariantCulture);
            video.AddRange(["-bsf:v:0", $"setts=pts=PTS{shift}:dts=DTS{shift}"]);
        }
        return MuxArguments(["-f", "concat", "-safe", "0", "-i", FfmpegPaths.File(chunkList)], video, temporaryPath);
    }

    /// <summary>Encoder threads for a chunk: the model, not the encoder, sets the pace of an upscale.</summary>
    public const int ChunkEncoderThreads = 8;

    /// <summary>
    /// How the video stream is encoded: codec, quality, the conversion to the output format, colour
    /// tags and timing. Codec, filter and timing name the first video stream (ours): a copied cover
    /// picture is a video stream too, and must be neither re-encoded nor filtered.
    /// </summary>
    private List<string> VideoEncodingArguments()
    {
        var arguments = new List<string> { "-c:v:0", _options.Codec };
        arguments.AddRange(_options.QualityArguments());
        string filter = _frames.IsPlanar
            ? FromPlanesFilter(_source.Color, _frames.FfmpegName, _pixelFormat, _source.UprightSampleAspectRatio)
            : FromRgbFilter(_source.Color, _pixelFormat, _source.UprightSampleAspectRatio);
        arguments.AddRange(["-filter:v:0", filter, "-pix_fmt:v:0", _pixelFormat]);
        arguments.AddRange(ColorTags(_source.Color, _pixelFormat));
        if (_frames.IsPlanar && _source.Color.ChromaLocation is { } chromaLocation)
        {
            // The planes kept the source's chroma siting (RGB frames are resampled by swscale, which places chroma its own way).
            arguments.AddRange(["-chroma_sample_location:v:0", chromaLocation]);
        }
        arguments.AddRange(["-fps_mode:v:0", "passthrough", "-enc_time_base:v:0", _source.TimeBase.ToString()]);
        return arguments;
    }

    private List<string> MuxArguments(IReadOnlyList<string> videoInput, IReadOnlyList<string> videoArguments, string temporaryPath)
    {
        var arguments = new List<string>
        {
            "-nostdin", "-v", "error",
            // Timestamps stay as the source has them, so audio lines up with the frames for the whole file.
            "-copyts",
        };
        arguments.AddRange(videoInput);
        if (PtsShift > 0)
        {
            // The frames were moved later to keep Matroska times unsigned; move the source's streams with them.
            arguments.AddRange(["-itsoffset", _source.TimeBase.ToSeconds(PtsShift).ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange(["-i", FfmpegPaths.File(_source.Path), "-map", "0:v:0"]);
        foreach (var stream in CopiedStreamList)
        {
            arguments.AddRange(["-map", $"1:{stream.Index}"]);
        }
        // Any per-stream metadata mapping turns off ffmpeg's default copy of all stream tags
        // (language, title, attachment filename), so every output stream gets its source's explicitly.
        arguments.AddRange(["-map_metadata", "1", "-map_chapters", "1", "-map_metadata:s:0", $"1:s:{_source.StreamIndex}"]);
        for (int i = 0; i < CopiedStreamList.Count; i++)
        {
            arguments.AddRange([$"-map_metadata:s:{i + 1}", $"1:s:{CopiedStreamList[i].Index}"]);
        }
        arguments.AddRange(["-c", "copy"]);
        for (int i = 0; i < CopiedStreamList.Count; i++)
        {
            if (ConvertedStreams.TryGetValue(CopiedStreamList[i].Index, out string? encoder))
            {
                arguments.AddRange([$"-c:{i + 1}", encoder]);
            }
        }
        arguments.AddRange(videoArguments);
        arguments.AddRange(_options.ExtraArguments);
        arguments.Add(FfmpegPaths.File(temporaryPath));
        return arguments;
    }

    /// <summary>The scale filter back to YCbCr with the source's matrix and range, keeping the source's pixel aspect.</summary>
    public static string FromRgbFilter(VideoColor color, string pixelFormat, Rational sampleAspectRatio) =>
        $"scale=out_color_matrix={color.Matrix}:out_range={color.SwscaleRange}:flags=bicubic+accurate_rnd+full_chroma_int" +
        $",format={pixelFormat},setsar={sampleAspectRatio}";

    /// <summary>
    /// Planar frames to the output format: untouched when they already are in it; else the same
    /// range on both sides (swscale only changes the subsampling or depth; gray gets neutral chroma).
    /// </summary>
    public static string FromPlanesFilter(VideoColor color, string framesPixelFormat, string pixelFormat, Rational sampleAspectRatio) =>
        (framesPixelFormat == pixelFormat
            ? ""
            : $"scale=in_range={color.SwscaleRange}:out_range={color.SwscaleRange}:flags=bicubic+accurate_rnd+full_chroma_int,format={pixelFormat},")
        + $"setsar={sampleAspectRatio}";

    /// <summary>
    /// The source's colour tags; the range is always stated because the pipeline chose one. An RGB
    /// source (space gbr) encoded as YCbCr is tagged with the matrix the conversion used: encoders
    /// refuse gbr for YCbCr output (libx264, libx265 and ffv1 all fail to open).
    /// </summary>
    public static IReadOnlyList<string> ColorTags(VideoColor color, string pixelFormat)
    {
        var tags = new List<string>();
        string? space = color.Space == "gbr" && pixelFormat.StartsWith("yuv", StringComparison.Ordinal)
            ? MatrixTag(color.Matrix)
            : color.Space;
        if (space is not null)
        {
            tags.AddRange(["-colorspace", space]);
        }
        if (color.Primaries is not null)
        {
            tags.AddRange(["-color_primaries", color.Primaries]);
        }
        if (color.Transfer is not null)
        {
            tags.AddRange(["-color_trc", color.Transfer]);
        }
        tags.AddRange(["-color_range", color.SwscaleRange]);
        return tags;
    }

    /// <summary>The colorspace tag that names a swscale matrix.</summary>
    private static string MatrixTag(string matrix) => matrix switch
    {
        "bt601" => "smpte170m",
        "bt2020" => "bt2020nc",
        _ => matrix,
    };

    /// <summary>
    /// Encodes every frame from <paramref name="input"/> (disposing each), then renames the
    /// finished file into place. On any failure or cancellation no file is left under the final name.
    /// </summary>
    public async Task RunAsync<TFrame>(ChannelReader<TFrame> input, bool overwrite, CancellationToken cancellationToken) where TFrame : IVideoFrame
    {
        try
        {
            await WriteThenRenameAsync(_outputPath, overwrite, Arguments, async process =>
                await WriteFramesAsync(process, input, LastFrameNanoseconds(), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            input.DisposeQueued();
        }
    }

    /// <summary>
    /// Encodes the frames from <paramref name="input"/> into one chunk of a segmented job (see
    /// <see cref="ChunkArguments"/>), renamed to <paramref name="chunkPath"/> when complete.
    /// <paramref name="nextFrameIndex"/> is the source frame after the chunk's last, which sets how long that last frame lasts.
    /// </summary>
    public async Task EncodeChunkAsync<TFrame>(ChannelReader<TFrame> input, string chunkPath, long nextFrameIndex, CancellationToken cancellationToken) where TFrame : IVideoFrame
    {
        var pts = _source.FramePts;
        long lastNanoseconds = nextFrameIndex > 0 && nextFrameIndex < pts.Count && pts[(int)nextFrameIndex] > pts[(int)nextFrameIndex - 1]
            ? MatroskaFrameWriter.ToNanoseconds(pts[(int)nextFrameIndex] - pts[(int)nextFrameIndex - 1], _source.TimeBase.Numerator, _source.TimeBase.Denominator)
            : LastFrameNanoseconds();
        try
        {
            await WriteThenRenameAsync(Path.GetFullPath(chunkPath), overwrite: true, ChunkArguments, async process =>
                await WriteFramesAsync(process, input, lastNanoseconds, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            input.DisposeQueued();
        }
    }

    /// <summary>
    /// Joins finished chunks (an ffconcat list) into the output without re-encoding, with every
    /// other stream of the source, and renames it into place once it holds <paramref name="frames"/> frames.
    /// </summary>
    public Task JoinAsync(string chunkList, long timestampCorrection, long frames, bool overwrite, CancellationToken cancellationToken) =>
        WriteThenRenameAsync(_outputPath, overwrite, temporary => JoinArguments(chunkList, timestampCorrection, temporary), process =>
        {
            process.StandardInput.Close();
            return Task.FromResult(frames);
        }, cancellationToken);

    /// <summary>The timestamp a frame is given on its way to ffmpeg, in the source's time base (see <see cref="PtsShift"/>).</summary>
    public long TimestampOf(long frameIndex) => _source.FramePts[(int)frameIndex] + PtsShift;

    /// <summary>
    /// Runs ffmpeg into a hidden temporary sibling of <paramref name="finalPath"/>, feeding it with
    /// <paramref name="feed"/> (which returns the frames given), checks what was written and only then renames it.
    /// </summary>
    private async Task WriteThenRenameAsync(string finalPath, bool overwrite, Func<string, IReadOnlyList<string>> arguments,
        Func<FfmpegProcess, Task<long>> feed, CancellationToken cancellationToken)
    {
        if (File.Exists(finalPath) && !overwrite)
        {
            throw new Core.Files.OutputExistsException(finalPath);
        }
        Core.Files.PartialFile.RemoveAbandoned(finalPath);
        string temporary = Core.Files.PartialFile.Beside(finalPath);
        try
        {
            long frames;
            await using (var process = FfmpegProcess.Start(_ffmpeg.Ffmpeg, arguments(temporary), redirectInput: true))
            {
                frames = await feed(process).ConfigureAwait(false);
                await process.WaitForSuccessAsync($"Encoding {finalPath}", cancellationToken).ConfigureAwait(false);
            }
            await CheckWrittenAsync(temporary, finalPath, frames, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, finalPath, overwrite);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Reads back what ffmpeg wrote before it gets the final name. ffmpeg 5.1 can exit 0 after a
    /// failed write: on a full disk an MP4 ends without its index and a Matroska file with part
    /// of its frames. Counting the video packets reads the file without decoding it.
    /// </summary>
    private async Task CheckWrittenAsync(string temporary, string finalPath, long frames, CancellationToken cancellationToken)
    {
        string[] arguments = ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", FfmpegPaths.File(temporary)];
        string counted;
        try
        {
            counted = await FfmpegProcess.RunForTextAsync(_ffmpeg.Ffprobe, arguments, $"Checking {finalPath}", cancellationToken).ConfigureAwait(false);
        }
        catch (FfmpegException ex)
        {
            throw new IOException($"Writing {finalPath} failed: the finished file cannot be read back (is the disk full?).\n{ex.Message}", ex);
        }
        // Extra ffmpeg arguments may change the frame rate, and with it the count; then only an empty file is wrong.
        bool countKnown = _options.ExtraArguments.Count == 0;
        if (!long.TryParse(counted.Trim().TrimEnd(','), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long written)
            || (countKnown ? written != frames : written == 0 && frames > 0))
        {
            throw new IOException($"Writing {finalPath} failed: the finished file holds {counted.Trim()} of {frames} frames (is the disk full?).");
        }
    }

    private async Task<long> WriteFramesAsync<TFrame>(FfmpegProcess process, ChannelReader<TFrame> input, long lastFrameNanoseconds, CancellationToken cancellationToken)
        where TFrame : IVideoFrame
    {
        var writer = new MatroskaFrameWriter(process.StandardInput, lastFrameNanoseconds);
        long done = 0;
        try
        {
            await foreach (var frame in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                using (frame)
                {
                    if (frame.RawFormat != _frames)
                    {
                        throw new InvalidOperationException($"The encoder was set up for {_frames} frames, not {frame.RawFormat}.");
                    }
                    long pts = (frame.Pts ?? frame.Index) + PtsShift;
                    await writer.WriteAsync(frame, MatroskaFrameWriter.ToNanoseconds(pts, _source.TimeBase.Numerator, _source.TimeBase.Denominator), cancellationToken).ConfigureAwait(false);
                }
                _framesDone?.Invoke(++done);
            }
            await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // ffmpeg closed its input early: its own message is the one to show.
            await process.WaitForSuccessAsync($"Encoding {_outputPath}", cancellationToken).ConfigureAwait(false);
            throw new FfmpegException($"Encoding {_outputPath}: ffmpeg stopped reading frames.\n{process.StderrTail}".TrimEnd());
        }
        process.StandardInput.Close();
        return done;
    }
}
