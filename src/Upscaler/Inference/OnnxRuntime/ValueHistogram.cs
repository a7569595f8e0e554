using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Upscaler.Inference.OnnxRuntime;

/// <summary>Counts of a tensor's values in equal bins between its least and greatest value.</summary>
public sealed class ValueHistogram(ValueRange extremes)
{
    public const int Bins = 2048;

    public ValueRange Extremes { get; } = extremes;

    public long[] Counts { get; } = new long[Bins];

    public double BinWidth => (Extremes.Max - Extremes.Min) / (double)Bins;

    /// <summary>The value a bin stands for: its centre.</summary>
    public double Centre(int bin) => Extremes.Min + (bin + 0.5) * BinWidth;

    public void Add(ReadOnlySpan<float> values)
    {
        double width = BinWidth;
        foreach (float value in values)
        {
            int bin = width > 0 ? (int)((value - Extremes.Min) / width) : 0;
            Counts[Math.Clamp(bin, 0, Bins - 1)]++;
        }
    }
}
