using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Upscaler.Training;

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

    public PatchSampler(IReadOnlyList<TrainingImage> images, int patchSize, int padding, ColorMode colorMode, Degradations degradations, double probability)
    {
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
            var image = PickImage(random);
            int lowWidth = image.Width / 2;
            int lowHeight = image.Height / 2;
            int x = random.Next(0, lowWidth - LowSide + 1);
            int y = random.Next(0, lowHeight - LowSide + 1);
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
