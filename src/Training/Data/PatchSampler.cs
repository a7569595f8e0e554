using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Training.Data;

/// <summary>A batch of aligned training pairs, planar float, values in [0, 1].</summary>
public sealed record TrainingBatch(float[] Low, float[] High, int Count, int Channels, int LowSide, int HighSide);

/// <summary>
/// Cuts aligned pairs from training images: a low-resolution crop with the network's context
/// around it, and the 2x high-resolution crop of its centre. Random position (images picked in
/// proportion to their area), random flip/rotation, and the run's degradations.
/// </summary>
public sealed class PatchSampler
{
    private readonly IReadOnlyList<TrainingImage> _images;
    private readonly double[] _cumulativeArea;
    private readonly int _patch;
    private readonly int _padding;
    private readonly ColorMode _colorMode;
    private readonly Degradations _degradations;
    private readonly double _probability;
    private readonly double _skipFlat;

    /// <summary>
    /// Mean absolute step between neighbouring low-resolution pixels (8-bit levels) below which a
    /// crop counts as flat: sky, walls, out-of-focus background.
    /// </summary>
    public const double FlatDetailLevel = 3.0;

    /// <param name="skipFlat">
    /// Chance that a flat crop is drawn again (up to a few times). Large smooth wallpapers
    /// otherwise fill most batches with patches bicubic already gets right.
    /// </param>
    public PatchSampler(IReadOnlyList<TrainingImage> images, int patchSize, int padding, ColorMode colorMode, Degradations degradations, double probability, double skipFlat = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(skipFlat, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(skipFlat, 1);
        if (images.Count == 0)
        {
            throw new ArgumentException("No training images are large enough for the patch size.", nameof(images));
        }
        _images = images;
        _patch = patchSize;
        _padding = padding;
        _colorMode = colorMode;
        _degradations = degradations;
        _probability = probability;
        _skipFlat = skipFlat;
        _cumulativeArea = new double[images.Count];
        double sum = 0;
        for (int i = 0; i < images.Count; i++)
        {
            sum += images[i].Pixels;
            _cumulativeArea[i] = sum;
        }
    }

    public int LowSide => _patch + 2 * _padding;

    public int HighSide => 2 * _patch;

    public int Channels => _colorMode == ColorMode.Y ? 1 : 3;

    public TrainingBatch NextBatch(Random random, int count)
    {
        var batch = new TrainingBatch(
            new float[count * Channels * LowSide * LowSide],
            new float[count * Channels * HighSide * HighSide],
            count, Channels, LowSide, HighSide);
        for (int i = 0; i < count; i++)
        {
            var (image, x, y) = PickCrop(random);
            int variant = PickVariant(random, image);
            Fill(batch, i, image, variant, x, y, random.Next(8));
            if (_degradations.HasFlag(Degradations.Blur) && random.NextDouble() < _probability)
            {
                Degrade.Blur(batch.Low.AsSpan(i * Channels * LowSide * LowSide, Channels * LowSide * LowSide), Channels, LowSide, 0.3 + random.NextDouble() * 0.9);
            }
            if (_degradations.HasFlag(Degradations.Noise) && random.NextDouble() < _probability)
            {
                Degrade.GaussianNoise(batch.Low.AsSpan(i * Channels * LowSide * LowSide, Channels * LowSide * LowSide), random, random.NextDouble() * 0.04);
            }
        }
        return batch;
    }

    /// <summary>Fixed, clean crops in reading order: the validation set.</summary>
    public TrainingBatch FixedBatch(int count, int seed)
    {
        var random = new Random(seed);
        var batch = new TrainingBatch(
            new float[count * Channels * LowSide * LowSide],
            new float[count * Channels * HighSide * HighSide],
            count, Channels, LowSide, HighSide);
        for (int i = 0; i < count; i++)
        {
            var image = _images[i % _images.Count];
            int x = random.Next(0, image.Width / 2 - LowSide + 1);
            int y = random.Next(0, image.Height / 2 - LowSide + 1);
            Fill(batch, i, image, 0, x, y, 0);
        }
        return batch;
    }

    private const int MaxRedraws = 8;

    private (TrainingImage Image, int X, int Y) PickCrop(Random random)
    {
        for (int attempt = 0; ; attempt++)
        {
            var image = PickImage(random);
            int x = random.Next(0, image.Width / 2 - LowSide + 1);
            int y = random.Next(0, image.Height / 2 - LowSide + 1);
            if (attempt == MaxRedraws || _skipFlat == 0 || random.NextDouble() >= _skipFlat || Detail(image, x, y) >= FlatDetailLevel)
            {
                return (image, x, y);
            }
        }
    }

    /// <summary>Mean absolute horizontal and vertical step of the clean low-resolution green plane in a crop.</summary>
    public double Detail(TrainingImage image, int x0, int y0)
    {
        int width = image.Width / 2;
        int plane = width * (image.Height / 2);
        byte[] low = image.LowResolution[0];
        long sum = 0;
        for (int y = y0; y < y0 + LowSide - 1; y++)
        {
            int row = plane + y * width;
            for (int x = x0; x < x0 + LowSide - 1; x++)
            {
                int at = row + x;
                sum += Math.Abs(low[at + 1] - low[at]) + Math.Abs(low[at + width] - low[at]);
            }
        }
        return sum / (2.0 * (LowSide - 1) * (LowSide - 1));
    }

    private TrainingImage PickImage(Random random)
    {
        double target = random.NextDouble() * _cumulativeArea[^1];
        int index = Array.BinarySearch(_cumulativeArea, target);
        return _images[index < 0 ? Math.Min(~index, _images.Count - 1) : index];
    }

    private int PickVariant(Random random, TrainingImage image)
    {
        if (image.LowResolution.Count == 1 || random.NextDouble() >= _probability)
        {
            return 0;
        }
        return random.Next(1, image.LowResolution.Count);
    }

    private void Fill(TrainingBatch batch, int index, TrainingImage image, int variant, int x, int y, int orientation)
    {
        int lowWidth = image.Width / 2;
        int lowPlane = lowWidth * (image.Height / 2);
        int highPlane = image.Width * image.Height;
        var low = batch.Low.AsSpan(index * Channels * LowSide * LowSide, Channels * LowSide * LowSide);
        var high = batch.High.AsSpan(index * Channels * HighSide * HighSide, Channels * HighSide * HighSide);
        CopyCrop(image.LowResolution[variant], lowWidth, lowPlane, x, y, LowSide, orientation, low);
        CopyCrop(image.HighResolution, image.Width, highPlane, 2 * (x + _padding), 2 * (y + _padding), HighSide, orientation, high);
    }

    // Both crops are squares centred on the same point, so one dihedral transform keeps them aligned.
    private void CopyCrop(byte[] source, int width, int plane, int x0, int y0, int side, int orientation, Span<float> destination)
    {
        int n = side * side;
        for (int v = 0; v < side; v++)
        {
            for (int u = 0; u < side; u++)
            {
                var (sx, sy) = Orient(u, v, side, orientation);
                int at = (y0 + sy) * width + x0 + sx;
                float r = source[at] / 255f, g = source[plane + at] / 255f, b = source[2 * plane + at] / 255f;
                int to = v * side + u;
                if (_colorMode == ColorMode.Y)
                {
                    destination[to] = 0.299f * r + 0.587f * g + 0.114f * b;
                }
                else
                {
                    destination[to] = r;
                    destination[n + to] = g;
                    destination[2 * n + to] = b;
                }
            }
        }
    }

    private static (int X, int Y) Orient(int u, int v, int side, int orientation)
    {
        int last = side - 1;
        return orientation switch
        {
            0 => (u, v),
            1 => (last - u, v),
            2 => (u, last - v),
            3 => (last - u, last - v),
            4 => (v, u),
            5 => (last - v, u),
            6 => (v, last - u),
            _ => (last - v, last - u),
        };
    }
}
