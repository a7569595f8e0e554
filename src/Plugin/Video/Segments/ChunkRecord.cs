namespace SeRanet.Video.Plugin.Video.Segments;

/// <summary>
/// A finished chunk, written beside it once it is complete: its frames, its checksum, and where its
/// timestamps start (needed to join the chunks with the source's frame times).
/// </summary>
/// <param name="TimeBase">The chunk's time base: NUT takes the source's with a finer denominator (ffmpeg's ff_choose_timebase), an exact multiple.</param>
/// <param name="FirstTimestamp">The first frame's time as handed to ffmpeg, in <paramref name="TimeBase"/>.</param>
/// <param name="StartPts">The chunk's first time as stored (NUT shifts a chunk that would start before zero), in <paramref name="TimeBase"/>.</param>
/// <param name="StartMicroseconds">The chunk's start as a demuxer reports it, in microseconds.</param>
/// <param name="DecodedFrames">Frames the chunk holds when a damaged source gave fewer than <paramref name="FrameCount"/>; null when it holds them all.</param>
public sealed record ChunkRecord(int Index, long FirstFrame, long FrameCount, long Bytes, string Sha256, string TimeBase, long FirstTimestamp, long StartPts, long StartMicroseconds,
    long? DecodedFrames = null)
{
    /// <summary>The frames the chunk holds.</summary>
    public long FramesHeld => DecodedFrames ?? FrameCount;
}
