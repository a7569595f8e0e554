namespace SeRanet.Video.Training.Degradation;

/// <summary>Per-patch degradations applied to the low-resolution input.</summary>
internal static class Degrade
{
    public static void GaussianNoise(Span<float> values, Random random, double sigma)
    {
        for (int i = 0; i < values.Length; i++)
        {
            // Box-Muller; one of the pair is enough here.
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            values[i] = (float)Math.Clamp(values[i] + sigma * normal, 0, 1);
        }
    }

    /// <summary>3x3 Gaussian blur of each square plane, edges replicated.</summary>
    public static void Blur(Span<float> values, int channels, int side, double sigma)
    {
        double w1 = Math.Exp(-1 / (2 * sigma * sigma));
        float centre = (float)(1 / (1 + 2 * w1));
        float edge = (float)(w1 / (1 + 2 * w1));
        float[] buffer = new float[side * side];
        for (int c = 0; c < channels; c++)
        {
            var plane = values.Slice(c * side * side, side * side);
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    int left = Math.Max(x - 1, 0), right = Math.Min(x + 1, side - 1);
                    buffer[y * side + x] = edge * plane[y * side + left] + centre * plane[y * side + x] + edge * plane[y * side + right];
                }
            }
            for (int y = 0; y < side; y++)
            {
                int up = Math.Max(y - 1, 0), down = Math.Min(y + 1, side - 1);
                for (int x = 0; x < side; x++)
                {
                    plane[y * side + x] = edge * buffer[up * side + x] + centre * buffer[y * side + x] + edge * buffer[down * side + x];
                }
            }
        }
    }
}
