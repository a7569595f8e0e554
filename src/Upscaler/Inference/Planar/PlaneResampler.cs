using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference.Planar;

/// <summary>
/// Separable bicubic resampling of planes where each output sample says which source position
/// it samples, so chroma keeps its siting: torch's interpolate assumes samples at pixel centres,
/// which is right for centred (JPEG) chroma only. The kernel is Catmull-Rom (bicubic with
/// a = -0.5, which reproduces straight ramps exactly, so a siting error cannot hide in the
/// kernel; torch's a = -0.75 does not), stretched by the shrink factor when downsampling
/// (antialiased); taps past an edge repeat the edge sample, as interpolate does.
/// </summary>
public static class PlaneResampler
{
    private const double A = -0.5;

    /// <summary>
    /// Resamples [N, C, H, W] to [N, C, <paramref name="height"/>, <paramref name="width"/>];
    /// <paramref name="sourceY"/> and <paramref name="sourceX"/> give, for an output row or column,
    /// its position in source samples (0 = the first sample's centre).
    /// </summary>
    public static Tensor Resize(Tensor x, int height, int width, Func<int, double> sourceY, Func<int, double> sourceX)
    {
        Tensor rows = Along(x, 2, height, sourceY);
        return Along(rows, 3, width, sourceX);
    }

    /// <summary>
    /// Source position of output sample <paramref name="index"/> when a plane sub-sampled by
    /// <paramref name="factor"/> (1 or 2) with chroma at <paramref name="offset"/> luma samples
    /// (0 co-sited, 0.5 centred) goes from a picture of <paramref name="sourceLuma"/> luma samples
    /// to one of <paramref name="outputLuma"/>, keeping the same siting.
    /// </summary>
    public static double SitedPosition(int index, int factor, double offset, int sourceLuma, int outputLuma)
    {
        double scale = (double)outputLuma / sourceLuma;
        double outputLumaPosition = factor * index + offset;
        double sourceLumaPosition = (outputLumaPosition + 0.5) / scale - 0.5;
        return (sourceLumaPosition - offset) / factor;
    }

    /// <summary>
    /// Resamples along <paramref name="dim"/> (2 rows, 3 columns) as one matrix product with the
    /// [size, source] weight matrix: two torch calls instead of a gather per tap, which matters
    /// more than the arithmetic on a busy CPU, where every call waits for torch's worker threads.
    /// </summary>
    private static Tensor Along(Tensor x, int dim, int size, Func<int, double> source)
    {
        int sourceSize = (int)x.shape[dim];
        double stretch = Math.Max(1.0, (double)sourceSize / size);
        int reach = (int)Math.Ceiling(2 * stretch);
        float[] matrix = new float[size * sourceSize];
        double[] taps = new double[2 * reach + 1];
        for (int o = 0; o < size; o++)
        {
            double position = source(o);
            int centre = (int)Math.Floor(position);
            double total = 0;
            for (int k = 0; k < taps.Length; k++)
            {
                taps[k] = Cubic((centre - reach + k - position) / stretch);
                total += taps[k];
            }
            for (int k = 0; k < taps.Length; k++)
            {
                // Taps past an edge land on the edge sample.
                matrix[o * sourceSize + Math.Clamp(centre - reach + k, 0, sourceSize - 1)] += (float)(taps[k] / total);
            }
        }
        Tensor weights = torch.tensor(matrix, [size, sourceSize], dtype: x.dtype, device: x.device);
        return dim == 3 ? x.matmul(weights.t()) : weights.matmul(x);
    }

    private static double Cubic(double t)
    {
        t = Math.Abs(t);
        return t <= 1 ? ((A + 2) * t - (A + 3)) * t * t + 1
            : t < 2 ? ((A * t - 5 * A) * t + 8 * A) * t - 4 * A
            : 0;
    }
}
