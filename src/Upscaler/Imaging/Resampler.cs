namespace SeRanet.Video.Upscaler.Imaging;

/// <summary>
/// Separable resizing with MATLAB imresize / PIL conventions: pixel centres map as
/// (x + 0.5) / scale - 0.5, and when shrinking the kernel is stretched by 1 / scale, so the
/// downscale is antialiased. Taps outside the image are dropped and the rest renormalised.
/// This is the one degradation that training and evaluation both use.
/// </summary>
public static class Resampler
{
    public static ImagePlanes Resize(ImagePlanes source, int width, int height, ResizeKernel kernel)
    {
        var horizontal = Contributions(source.Width, width, kernel);
        var vertical = Contributions(source.Height, height, kernel);
        var across = new ImagePlanes(source.Channels, source.Height, width);
        Parallel.For(0, source.Channels * source.Height, row =>
        {
            var input = source.Data.AsSpan(row * source.Width, source.Width);
            var output = across.Data.AsSpan(row * width, width);
            for (int x = 0; x < width; x++)
            {
                output[x] = horizontal[x].Apply(input, 1);
            }
        });

        var result = new ImagePlanes(source.Channels, height, width);
        Parallel.For(0, source.Channels * height, row =>
        {
            int c = row / height;
            int y = row % height;
            var plane = across.Data.AsSpan(c * source.Height * width, source.Height * width);
            var output = result.Data.AsSpan(row * width, width);
            var taps = vertical[y];
            for (int x = 0; x < width; x++)
            {
                output[x] = taps.Apply(plane[x..], width);
            }
        });
        return result;
    }

    /// <summary>Halves (or otherwise scales) an image with the antialiased bicubic kernel.</summary>
    public static ImagePlanes Downscale(ImagePlanes source, int factor) =>
        Resize(source, source.Width / factor, source.Height / factor, ResizeKernel.Bicubic);

    private static Taps[] Contributions(int inSize, int outSize, ResizeKernel kernel)
    {
        double scale = (double)outSize / inSize;
        double stretch = scale < 1 ? 1 / scale : 1;
        double support = (kernel == ResizeKernel.Lanczos3 ? 3 : 2) * stretch;
        var taps = new Taps[outSize];
        for (int o = 0; o < outSize; o++)
        {
            double centre = (o + 0.5) / scale - 0.5;
            int first = (int)Math.Floor(centre - support) + 1;
            int last = (int)Math.Ceiling(centre + support) - 1;
            var indices = new List<int>();
            var weights = new List<float>();
            double sum = 0;
            for (int i = first; i <= last; i++)
            {
                if (i < 0 || i >= inSize)
                {
                    continue;
                }
                double w = Weight((centre - i) / stretch, kernel);
                if (w == 0)
                {
                    continue;
                }
                indices.Add(i);
                weights.Add((float)w);
                sum += w;
            }
            for (int k = 0; k < weights.Count; k++)
            {
                weights[k] = (float)(weights[k] / sum);
            }
            taps[o] = new Taps(indices.ToArray(), weights.ToArray());
        }
        return taps;
    }

    private static double Weight(double x, ResizeKernel kernel)
    {
        x = Math.Abs(x);
        return kernel switch
        {
            ResizeKernel.Bicubic => Cubic(x, -0.5),
            ResizeKernel.Lanczos3 => x < 3 ? Sinc(x) * Sinc(x / 3) : 0,
            _ => throw new ArgumentOutOfRangeException(nameof(kernel)),
        };
    }

    private static double Cubic(double x, double a) => x switch
    {
        <= 1 => ((a + 2) * x - (a + 3)) * x * x + 1,
        < 2 => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a,
        _ => 0,
    };

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private readonly record struct Taps(int[] Indices, float[] Weights)
    {
        public float Apply(ReadOnlySpan<float> values, int stride)
        {
            float sum = 0;
            for (int k = 0; k < Indices.Length; k++)
            {
                sum += Weights[k] * values[Indices[k] * stride];
            }
            return sum;
        }
    }
}
