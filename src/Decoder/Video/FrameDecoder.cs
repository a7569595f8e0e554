using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Decoder.Video;

/// <summary>
/// Decodes the primary video stream of a file into pooled frames of one <see cref="RawVideoFormat"/>:
/// RGB (8-bit sources to 8-bit RGB, deeper ones to 16-bit), converted from YCbCr with the source's
/// own matrix and range (swscale would otherwise assume limited-range BT.601); or the source's own
/// planes (gray or YUV), only rearranged (semi-planar, packed, yuvj) or widened, never converted.
/// Rotated sources are turned upright here (ffmpeg's autorotate): ffmpeg 5.1 cannot attach a
/// rotation to a stream it encodes, so the output stores the picture the way it is displayed.
/// </summary>
public sealed class FrameDecoder
{
    private readonly VideoInfo _video;
    private readonly FfmpegLocation _ffmpeg;
    private readonly long _firstFrame;
    private readonly long? _frameCount;

    /// <summary>A decoder to RGB of the source's depth (what RGB models and previews take).</summary>
    /// <param name="firstFrame">Index of the first frame wanted; earlier frames are skipped by seeking.</param>
    /// <param name="frameCount">How many frames to decode; null for all to the end.</param>
    public FrameDecoder(VideoInfo video, FfmpegLocation ffmpeg, long firstFrame = 0, long? frameCount = null)
        : this(video, ffmpeg, RawVideoFormat.RgbFor(video.BitDepth), firstFrame, frameCount)
    {
    }

    /// <param name="output">The frames wanted: RGB, or planes of the source's layout (<see cref="SourcePlanes"/>).</param>
    /// <param name="firstFrame">Index of the first frame wanted; earlier frames are skipped by seeking.</param>
    /// <param name="frameCount">How many frames to decode; null for all to the end.</param>
    public FrameDecoder(VideoInfo video, FfmpegLocation ffmpeg, RawVideoFormat output, long firstFrame = 0, long? frameCount = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstFrame);
        ArgumentNullException.ThrowIfNull(output);
        _video = video;
        _ffmpeg = ffmpeg;
        _firstFrame = firstFrame;
        _frameCount = frameCount;
        Output = output;
    }

    /// <summary>Fail, rather than end early, when fewer frames decode than were asked for (or than the probe found).</summary>
    public bool RequireEveryFrame { get; init; }

    /// <summary>Frames written by the last <see cref="RunAsync"/>, so a job can tell a short decode from a complete one.</summary>
    public long FramesDecoded { get; private set; }

    /// <summary>The layout of the frames this decoder produces.</summary>
    public RawVideoFormat Output { get; }

    /// <summary>The ffmpeg command line (after the executable).</summary>
    public IReadOnlyList<string> Arguments()
    {
        var arguments = new List<string> { "-nostdin", "-v", "error" };
        if (_firstFrame > 0)
        {
            arguments.AddRange(["-ss", SeekSeconds().ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange([
            "-i", FfmpegPaths.File(_video.Path),
            "-map", $"0:{_video.StreamIndex}",
            "-fps_mode", "passthrough",
            "-vf", (_video.Interlaced ? Deinterlace + "," : "") + ConversionFilter(),
        ]);
        if (_frameCount is { } count)
        {
            arguments.AddRange(["-frames:v", count.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        arguments.AddRange(["-f", "rawvideo", "-pix_fmt", Output.FfmpegName, "-"]);
        return arguments;
    }

    /// <summary>
    /// A seek position halfway between the wanted frame and the one before: ffmpeg's accurate
    /// seek then drops exactly the earlier frames, whatever rounding the timestamps went through.
    /// </summary>
    private double SeekSeconds()
    {
        var pts = _video.FramePts;
        if (_firstFrame >= pts.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(_firstFrame), $"Frame {_firstFrame} is past the last frame ({pts.Count - 1}).");
        }
        long at = pts[(int)_firstFrame];
        long before = pts[(int)_firstFrame - 1];
        return _video.TimeBase.ToSeconds(at - (at - before) / 2) - _video.StartSeconds;
    }

    /// <summary>
    /// For interlaced sources: bwdif makes one progressive frame of each interlaced one (same count,
    /// same timestamps), so the model never sees combing, which it would sharpen into the picture.
    /// </summary>
    public const string Deinterlace = "bwdif=mode=send_frame:parity=auto:deint=all";

    private string ConversionFilter() => Output.Interleaved is { } rgb
        ? ToRgbFilter(_video.Color, rgb)
        : ToPlanesFilter(_video.Color, Output.FfmpegName);

    /// <summary>
    /// The source's planes as they are, in the planar layout <paramref name="pixelFormat"/>: the
    /// range is named the same on both sides, so swscale only moves samples (and upsamples chroma
    /// for the odd subsamplings), and a source already in that layout passes through untouched.
    /// </summary>
    public static string ToPlanesFilter(VideoColor color, string pixelFormat) =>
        $"scale=in_range={color.SwscaleRange}:out_range={color.SwscaleRange}:flags=bicubic+accurate_rnd+full_chroma_int,format={pixelFormat}";

    /// <summary>
    /// The planar format a source is decoded to for a model that sees luma only: its own layout and
    /// depth (<see cref="FfmpegPlaneFormats.ForSource"/>) with its range, matrix and chroma siting;
    /// null when the source is not gray or YUV (RGB and the like go through RGB).
    /// </summary>
    public static PlaneFormat? SourcePlanes(VideoInfo video)
    {
        ArgumentNullException.ThrowIfNull(video);
        return FfmpegPlaneFormats.ForSource(video.PixelFormat, video.BitDepth) is { } planes
            ? planes with
            {
                Range = video.Color.FullRange ? ColorRange.Full : ColorRange.Limited,
                Matrix = video.Color.Matrix switch
                {
                    "bt709" => YuvMatrix.Bt709,
                    "bt2020" => YuvMatrix.Bt2020,
                    _ => YuvMatrix.Bt601,
                },
                Siting = video.Color.ChromaLocation switch
                {
                    "left" => ChromaSiting.Left,
                    "topleft" => ChromaSiting.TopLeft,
                    "center" => ChromaSiting.Center,
                    // Unstated: what a y4m stream of it says (ffmpeg writes 420jpeg and C422): 4:2:0
                    // centred, 4:2:2 co-sited with the left luma column as BT.601 has it.
                    _ => planes.Layout == PlaneLayout.Yuv422 ? ChromaSiting.Left : ChromaSiting.Center,
                },
            }
            : null;
    }

    /// <summary>The scale filter that turns the source's YCbCr into full-range RGB with the source's matrix.</summary>
    public static string ToRgbFilter(VideoColor color, PixelFormat format) =>
        $"scale=in_color_matrix={color.Matrix}:in_range={color.SwscaleRange}:out_range=pc" +
        $":flags=bicubic+accurate_rnd+full_chroma_int,format={format.FfmpegName()}";

    /// <summary>
    /// Writes every decoded frame, with its index and timestamp, to <paramref name="output"/>, then
    /// completes it (with the error, on failure). Frames belong to the reader, who disposes them.
    /// <typeparamref name="TFrame"/> is the frame type of <see cref="Output"/>: <see cref="Frame"/> for RGB, <see cref="PlanarFrame"/> for planes.
    /// </summary>
    public async Task RunAsync<TFrame>(ChannelWriter<TFrame> output, CancellationToken cancellationToken) where TFrame : class, IVideoFrame
    {
        try
        {
            await using var process = FfmpegProcess.Start(_ffmpeg.Ffmpeg, Arguments(), redirectInput: false);
            long index = _firstFrame;
            while (_frameCount is null || index - _firstFrame < _frameCount)
            {
                var rented = Output.Rent(_video.UprightWidth, _video.UprightHeight, index, PtsOf(index));
                if (rented is not TFrame frame)
                {
                    rented.Dispose();
                    throw new InvalidOperationException($"A decoder of {Output} frames makes {rented.GetType().Name}s, not {typeof(TFrame).Name}s.");
                }
                bool handedOver = false;
                try
                {
                    if (!await process.ReadExactlyOrEndAsync(frame.Memory, cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }
                    await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                    handedOver = true;
                }
                finally
                {
                    if (!handedOver)
                    {
                        frame.Dispose();
                    }
                }
                index++;
            }
            await process.WaitForSuccessAsync($"Decoding {_video.Path}", cancellationToken).ConfigureAwait(false);
            if (index == _firstFrame)
            {
                throw new FfmpegException($"ffmpeg decoded no frames from {_video.Path}; the file may be damaged.");
            }
            FramesDecoded = index - _firstFrame;
            long expected = _frameCount ?? _video.FrameCount - _firstFrame;
            if (RequireEveryFrame && FramesDecoded < expected)
            {
                throw new MissingFramesException(_video.Path, FramesDecoded, expected);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
            throw;
        }
    }

    /// <summary>The probed timestamp; past the probed list (a miscount), one nominal frame after the last.</summary>
    private long PtsOf(long index)
    {
        var pts = _video.FramePts;
        if (index < pts.Count)
        {
            return pts[(int)index];
        }
        double ticksPerFrame = _video.FrameRate.IsValid && _video.TimeBase.IsValid
            ? _video.FrameRate.Reciprocal / _video.TimeBase.Value
            : 1;
        long last = pts.Count > 0 ? pts[^1] : 0;
        return last + (long)Math.Round((index - pts.Count + 1) * ticksPerFrame);
    }
}
