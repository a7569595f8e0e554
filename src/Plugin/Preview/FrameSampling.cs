namespace SeRanet.Video.Plugin.Preview;

/// <summary>Which frames stand for a whole video.</summary>
public static class FrameSampling
{
    /// <summary>
    /// The middle frame of each of <paramref name="samples"/> equal parts of the video: spread evenly,
    /// never the very first frame (often black, or a fade-in) unless the video is that short, and all
    /// distinct. Asking for more samples than frames gives every frame.
    /// </summary>
    public static IReadOnlyList<long> Evenly(long frameCount, int samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        long count = Math.Min(samples, frameCount);
        var indices = new long[count];
        for (long i = 0; i < count; i++)
        {
            // (2i + 1) * frames / (2 * count), in integers so long films round the same way everywhere.
            indices[i] = (2 * i + 1) * frameCount / (2 * count);
        }
        return indices;
    }
}
