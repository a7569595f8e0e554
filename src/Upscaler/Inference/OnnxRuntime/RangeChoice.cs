using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Upscaler.Inference.OnnxRuntime;

/// <summary>
/// Chooses the range an activation is quantised over: of ranges that cut each end of the measured
/// extremes back in steps, the one with the least expected squared error over the measured values,
/// counting rounding inside the range (a step squared over 12) and clipping outside it. This is the
/// usual mean-squared-error calibration of post-training quantisation, done on our own histogram.
/// </summary>
public static class RangeChoice
{
    // Each end is tried at 1, 0.98, 0.96, ... 0.1 of its extreme.
    private const int Steps = 46;
    private const double StepFraction = 0.02;

    /// <param name="negativeWeight">How much squared error on negative values counts (1 for plain tensors).</param>
    public static ValueRange LeastError(ValueHistogram histogram, float negativeWeight)
    {
        ValueRange extremes = histogram.Extremes;
        if (!(extremes.Max > extremes.Min))
        {
            return extremes;
        }
        ValueRange best = extremes;
        double bestError = double.PositiveInfinity;
        for (int low = 0; low < Steps; low++)
        {
            for (int high = 0; high < Steps; high++)
            {
                var candidate = new ValueRange(
                    extremes.Min < 0 ? (float)(extremes.Min * (1 - low * StepFraction)) : extremes.Min,
                    extremes.Max > 0 ? (float)(extremes.Max * (1 - high * StepFraction)) : extremes.Max);
                double error = ExpectedError(histogram, candidate, negativeWeight);
                if (error < bestError)
                {
                    bestError = error;
                    best = candidate;
                }
            }
        }
        return best;
    }

    private static double ExpectedError(ValueHistogram histogram, ValueRange range, float negativeWeight)
    {
        var (scale, zeroPoint) = QuantizationPoints.UInt8Parameters(range);
        // What the 8-bit form can hold, from its own parameters (the range widened to include zero).
        double low = (0 - zeroPoint) * (double)scale;
        double high = (255 - zeroPoint) * (double)scale;
        double rounding = scale * (double)scale / 12;
        double total = 0;
        long[] counts = histogram.Counts;
        for (int bin = 0; bin < counts.Length; bin++)
        {
            if (counts[bin] == 0)
            {
                continue;
            }
            double value = histogram.Centre(bin);
            double error = value < low ? (value - low) * (value - low)
                : value > high ? (value - high) * (value - high)
                : rounding;
            total += counts[bin] * error * (value < 0 ? negativeWeight : 1);
        }
        return total;
    }
}
