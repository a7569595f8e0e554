using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Plugin.Video.Segments;

/// <summary>A run of consecutive source frames that is decoded, upscaled and encoded as one chunk.</summary>
public sealed record Segment(int Index, long FirstFrame, long FrameCount)
{
    /// <summary>The source frame after this segment's last.</summary>
    public long NextFrame => FirstFrame + FrameCount;
}

/// <summary>
/// How a video is cut into segments: a whole number of source frames each (the nominal rate times
/// the segment length), so decoding a segment is "seek to its first frame, decode its count",
/// which <c>FrameDecoder</c> does exactly. The last segment takes what is left.
/// </summary>
public sealed record SegmentPlan(long FramesPerSegment, IReadOnlyList<Segment> Segments)
{
    /// <summary>
    /// The fewest frames in a chunk. NUT reconstructs decoding times from the codec's reordering
    /// delay, so a chunk no longer than that delay has no known start and could not be placed in
    /// the join; 16 frames is past any delay x264, x265, SVT-AV1 or VP9 use. A shorter tail joins the segment before it.
    /// </summary>
    public const long MinFramesPerSegment = 16;

    /// <summary>Used when the rate is unknown: a length in frames rather than seconds.</summary>
    private const double FallbackFramesPerSecond = 25;

    public long FrameCount => Segments.Count == 0 ? 0 : Segments[^1].NextFrame;

    public static SegmentPlan For(VideoInfo video, double segmentSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentSeconds);
        double rate = video.FrameRate.IsValid ? video.FrameRate.Value : FallbackFramesPerSecond;
        long perSegment = Math.Max(MinFramesPerSegment, (long)Math.Round(segmentSeconds * rate));
        return Split(video.FrameCount, perSegment);
    }

    public static SegmentPlan Split(long frameCount, long framesPerSegment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerSegment);
        var segments = new List<Segment>();
        for (long first = 0; first < frameCount; first += framesPerSegment)
        {
            long count = Math.Min(framesPerSegment, frameCount - first);
            if (count < Math.Min(MinFramesPerSegment, framesPerSegment) && segments.Count > 0)
            {
                segments[^1] = segments[^1] with { FrameCount = segments[^1].FrameCount + count };
            }
            else
            {
                segments.Add(new Segment(segments.Count, first, count));
            }
        }
        return new SegmentPlan(framesPerSegment, segments);
    }
}
