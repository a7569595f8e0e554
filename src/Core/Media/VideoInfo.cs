namespace SeRanet.Video.Core.Media;

/// <summary>
/// What the pipeline needs to know about a video file and its primary video stream. It lives in
/// Core rather than the decoder because the encoder reads it too (tags, timing, other streams).
/// </summary>
public sealed record VideoInfo
{
    public required string Path { get; init; }

    /// <summary>ffprobe's container name list, e.g. "mov,mp4,m4a,3gp,3g2,mj2".</summary>
    public required string FormatName { get; init; }

    /// <summary>Index of the primary video stream among all streams of the file.</summary>
    public required int StreamIndex { get; init; }

    public required string CodecName { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>Presentation timestamps of every frame that decodes, ascending, in <see cref="TimeBase"/> units.</summary>
    public required IReadOnlyList<long> FramePts { get; init; }

    public int FrameCount => FramePts.Count;

    /// <summary>
    /// How many frames the container says the stream holds (its frame count, or its stated duration
    /// over a constant frame interval); null where it says neither. More than <see cref="FrameCount"/>
    /// means packets are missing: the file is truncated or damaged.
    /// </summary>
    public long? DeclaredFrameCount { get; init; }

    /// <summary>
    /// The frames a complete file would give: the declared count where it exceeds the packets found
    /// by more than a rounding slack (edit lists and stated durations are not exact), else the packets found.
    /// </summary>
    public long ExpectedFrameCount => DeclaredFrameCount is { } declared && declared > FrameCount + Math.Max(2, declared / 100) ? declared : FrameCount;

    /// <summary>Nominal frame rate (ffprobe's r_frame_rate); variable-rate sources still keep their own timestamps.</summary>
    public required Rational FrameRate { get; init; }

    public required Rational TimeBase { get; init; }

    /// <summary>Duration of the file in seconds, when ffprobe knows it.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>The primary stream's own stated duration in seconds (its header or a duration tag), when the file states one.</summary>
    public double? StreamDurationSeconds { get; init; }

    /// <summary>The file's start time in seconds (ffprobe's format start_time): where input seeking counts from.</summary>
    public double StartSeconds { get; init; }

    /// <summary>ffmpeg's pixel format name of the source, e.g. yuv420p10le.</summary>
    public required string PixelFormat { get; init; }

    /// <summary>Bits per component of the source: 8, 10, 12...</summary>
    public required int BitDepth { get; init; }

    public required VideoColor Color { get; init; }

    /// <summary>Sample (pixel) aspect ratio; 1:1 when the source does not say.</summary>
    public Rational SampleAspectRatio { get; init; } = new(1, 1);

    /// <summary>ffprobe's field_order: progressive, tt, bb, tb or bt; null where the file does not say.</summary>
    public string? FieldOrder { get; init; }

    /// <summary>Stored as interlaced fields, which the model must not see as frames.</summary>
    public bool Interlaced => FieldOrder is "tt" or "bb" or "tb" or "bt";

    /// <summary>Display rotation in degrees as ffprobe reports it (display matrix; -90 means turn 90° clockwise).</summary>
    public int Rotation { get; init; }

    /// <summary>True when the display rotation is a quarter or three-quarter turn, so the upright picture is on its side.</summary>
    public bool QuarterTurn => Math.Abs(Rotation) % 180 == 90;

    /// <summary>Width of the picture as displayed: the pipeline works on upright frames.</summary>
    public int UprightWidth => QuarterTurn ? Height : Width;

    public int UprightHeight => QuarterTurn ? Width : Height;

    /// <summary>The pixel aspect of the upright picture (turning a picture on its side turns its pixels too).</summary>
    public Rational UprightSampleAspectRatio => QuarterTurn
        ? new Rational(SampleAspectRatio.Denominator, SampleAspectRatio.Numerator)
        : SampleAspectRatio;

    /// <summary>Every stream of the file other than the primary video stream.</summary>
    public IReadOnlyList<StreamSummary> OtherStreams { get; init; } = [];

    /// <summary>Seconds from the first frame's timestamp to the end of the last frame.</summary>
    public double FrameSpanSeconds => FramePts.Count == 0 ? 0 : TimeBase.ToSeconds(FramePts[^1] - FramePts[0]) + FrameRate.Reciprocal;
}

/// <summary>One stream of a file that is not the video being upscaled.</summary>
/// <param name="Index">Index among all streams of the file.</param>
/// <param name="Kind">ffprobe's codec_type: audio, subtitle, attachment, data, video.</param>
/// <param name="CodecName">ffprobe's codec_name, e.g. aac, subrip, ttf.</param>
public sealed record StreamSummary(int Index, string Kind, string CodecName)
{
    /// <summary>A picture shown for the file (cover art): a one-picture video stream, not a second video.</summary>
    public bool AttachedPicture { get; init; }
}
