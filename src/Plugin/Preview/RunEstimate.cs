namespace SeRanet.Video.Plugin.Preview;

/// <summary>
/// What upscaling a whole video would take, extrapolated from a few sampled frames: the model's
/// time per frame, and the bytes per frame the encoder gave the sampled frames, times the frames.
/// </summary>
/// <param name="Frames">Frames in the whole video.</param>
/// <param name="VideoSeconds">How long the video plays.</param>
/// <param name="SampleModelSeconds">The model's time on each sampled frame.</param>
/// <param name="SampleVideoBytes">The encoded size of all the sampled frames together (video packets only).</param>
public sealed record RunEstimate(long Frames, double VideoSeconds, IReadOnlyList<double> SampleModelSeconds, long SampleVideoBytes)
{
    public int SampleCount => SampleModelSeconds.Count;

    /// <summary>
    /// The median time per frame: the first frame through a network pays one-off costs (memory,
    /// kernel choice), which one slow sample would otherwise spread over the whole film.
    /// </summary>
    public double ModelSecondsPerFrame
    {
        get
        {
            var sorted = SampleModelSeconds.Order().ToArray();
            int middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    /// <summary>The model's time for every frame; decoding and encoding run beside it in a real run.</summary>
    public double ModelSeconds => ModelSecondsPerFrame * Frames;

    public double BytesPerFrame => (double)SampleVideoBytes / SampleCount;

    /// <summary>The upscaled video stream's size: the sampled frames' mean encoded size times the frames.</summary>
    public double VideoBytes => BytesPerFrame * Frames;

    /// <summary>The video stream's bit rate that size means, in bits per second (0 for an unknown duration).</summary>
    public double VideoBitsPerSecond => VideoSeconds > 0 ? VideoBytes * 8 / VideoSeconds : 0;
}
