using System.Globalization;
using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Encoder.Video;

/// <summary>
/// Encodes a handful of upscaled frames with exactly the video settings <see cref="FrameEncoder"/>
/// would use for the whole file (codec, quality, pixel format, colour conversion and tags, extra
/// arguments), into a scratch Matroska file, and reports each frame's compressed size. It is how a
/// preview estimates the size of a whole run without encoding it. The frames are shown one nominal
/// frame apart; only the video stream is written.
/// </summary>
public sealed class SampleEncoder
{
    private readonly VideoInfo _source;
    private readonly EncoderOptions _options;
    private readonly string _pixelFormat;
    private readonly FfmpegLocation _ffmpeg;
    private readonly string _scratchPath;

    /// <param name="scratchPath">A file to write and delete again (it is removed when the run ends, whatever happens).</param>
    public SampleEncoder(VideoInfo source, EncoderOptions options, string pixelFormat, FfmpegLocation ffmpeg, string scratchPath)
    {
        _source = source;
        _options = options;
        _pixelFormat = pixelFormat;
        _ffmpeg = ffmpeg;
        _scratchPath = Path.GetFullPath(scratchPath);
    }

    /// <summary>The ffmpeg command line (after the executable).</summary>
    public IReadOnlyList<string> Arguments()
    {
        var arguments = new List<string> { "-nostdin", "-v", "error", "-f", "matroska", "-i", "-", "-map", "0:v:0", "-c:v", _options.Codec };
        arguments.AddRange(_options.QualityArguments());
        arguments.AddRange(["-vf", FrameEncoder.FromRgbFilter(_source.Color, _pixelFormat, _source.UprightSampleAspectRatio), "-pix_fmt", _pixelFormat]);
        arguments.AddRange(FrameEncoder.ColorTags(_source.Color, _pixelFormat));
        arguments.AddRange(_options.ExtraArguments);
        arguments.AddRange(["-f", "matroska", "-y", FfmpegPaths.File(_scratchPath)]);
        return arguments;
    }

    /// <summary>
    /// Encodes every frame from <paramref name="input"/> (disposing each) and returns the video
    /// packets' sizes in bytes (in decoding order, which B-frames make differ from the frames'), so
    /// container overhead is left out.
    /// </summary>
    public async Task<IReadOnlyList<long>> RunAsync(ChannelReader<Frame> input, CancellationToken cancellationToken)
    {
        long frameNanoseconds = _source.FrameRate.IsValid
            ? MatroskaFrameWriter.ToNanoseconds(1, _source.FrameRate.Denominator, _source.FrameRate.Numerator)
            : 40_000_000;
        try
        {
            await using (var process = FfmpegProcess.Start(_ffmpeg.Ffmpeg, Arguments(), redirectInput: true))
            {
                var writer = new MatroskaFrameWriter(process.StandardInput, frameNanoseconds);
                long written = 0;
                try
                {
                    await foreach (var frame in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        using (frame)
                        {
                            await writer.WriteAsync(frame, written++ * frameNanoseconds, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    await process.WaitForSuccessAsync("Encoding the sampled frames", cancellationToken).ConfigureAwait(false);
                    throw new FfmpegException($"Encoding the sampled frames: ffmpeg stopped reading frames.\n{process.StderrTail}".TrimEnd());
                }
                process.StandardInput.Close();
                await process.WaitForSuccessAsync("Encoding the sampled frames", cancellationToken).ConfigureAwait(false);
            }
            string sizes = await FfmpegProcess.RunForTextAsync(_ffmpeg.Ffprobe,
                ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size", "-of", "csv=p=0", FfmpegPaths.File(_scratchPath)],
                "Measuring the sampled frames", cancellationToken).ConfigureAwait(false);
            return sizes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => long.Parse(line.TrimEnd(','), NumberStyles.None, CultureInfo.InvariantCulture))
                .ToList();
        }
        finally
        {
            File.Delete(_scratchPath);
            while (input.TryRead(out var queued))
            {
                queued.Dispose();
            }
        }
    }
}
