using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Training.Metrics;

/// <summary>
/// Structural similarity (Wang et al. 2004) as its reference code computes it: 11x11 Gaussian
/// window with sigma 1.5, K1 = 0.01, K2 = 0.03, valid positions only, the mean of the map.
/// </summary>
public static class Ssim
{
    private const int Window = 11;
    private const double Sigma = 1.5;

    /// <summary>SSIM of two single-channel images with values in [0, <paramref name="peak"/>].</summary>
    public static double Of(float[] reference, float[] test, int width, int height, double peak)
    {
        if (width < Window || height < Window)
        {
            throw new ArgumentException($"SSIM needs at least {Window}x{Window} pixels.");
        }
        double[] kernel = GaussianKernel();
        double c1 = Math.Pow(0.01 * peak, 2);
        double c2 = Math.Pow(0.03 * peak, 2);
        int outW = width - Window + 1;
        int outH = height - Window + 1;

        // Separable blur of x, y, x*x, y*y, x*y: rows first, then columns.
        double[][] rows = new double[5][];
        for (int k = 0; k < 5; k++)
        {
            rows[k] = new double[height * outW];
        }
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int k = 0; k < Window; k++)
                {
                    double w = kernel[k];
                    double a = reference[y * width + x + k];
                    double b = test[y * width + x + k];
                    mx += w * a;
                    my += w * b;
                    xx += w * a * a;
                    yy += w * b * b;
                    xy += w * a * b;
                }
                int i = y * outW + x;
                rows[0][i] = mx;
                rows[1][i] = my;
                rows[2][i] = xx;
                rows[3][i] = yy;
                rows[4][i] = xy;
            }
        }
        double total = 0;
        Span<double> m = stackalloc double[5];
        for (int y = 0; y < outH; y++)
        {
            for (int x = 0; x < outW; x++)
            {
                m.Clear();
                for (int k = 0; k < Window; k++)
                {
                    int i = (y + k) * outW + x;
                    for (int s = 0; s < 5; s++)
                    {
                        m[s] += kernel[k] * rows[s][i];
                    }
                }
                double mux = m[0], muy = m[1];
                double vx = m[2] - mux * mux, vy = m[3] - muy * muy, cov = m[4] - mux * muy;
                total += ((2 * mux * muy + c1) * (2 * cov + c2)) / ((mux * mux + muy * muy + c1) * (vx + vy + c2));
            }
        }
        return total / (outW * outH);
    }

    /// <summary>SSIM on BT.601 studio-range Y after shaving <paramref name="shave"/> pixels.</summary>
    public static double Luma(ImagePlanes reference, ImagePlanes test, int shave)
    {
        var a = Psnr.Shave(reference, shave);
        var b = Psnr.Shave(test, shave);
        return Of(Metrics.Luma.StudioY(a), Metrics.Luma.StudioY(b), a.Width, a.Height, 255);
    }

    private static double[] GaussianKernel()
    {
        var kernel = new double[Window];
        double sum = 0;
        for (int i = 0; i < Window; i++)
        {
            double d = i - Window / 2;
            kernel[i] = Math.Exp(-d * d / (2 * Sigma * Sigma));
            sum += kernel[i];
        }
        for (int i = 0; i < Window; i++)
        {
            kernel[i] /= sum;
        }
        return kernel;
    }
}
