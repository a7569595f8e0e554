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
    private readonly double _edgeCrops;

    /// <summary>
    /// Mean absolute step between neighbouring low-resolution pixels (8-bit levels) below which a
    /// crop counts as flat: sky, walls, out-of-focus background.
    /// </summary>
    public const double FlatDetailLevel = 3.0;

    /// <param name="skipFlat">
    /// Chance that a flat crop is drawn again (up to a few times). Large smooth wallpapers
    /// otherwise fill most batches with patches bicubic already gets right.
    /// </param>
    /// <param name="edgeCrops">
    /// Chance that a crop is placed against the photo's edge, its context past the edge filled by
    /// repeating the edge pixels, as inference pads an image. Without such crops the network only
    /// ever sees real context all round, and the outermost pixels of every picture it upscales
    /// (a large share of a small one) come from an input it never trained on. Blur and noise
    /// degradations are added after padding, so an edge crop's repeated pixels get their own noise,
    /// where a noisy picture's padding repeats its noise.
    /// </param>
    public PatchSampler(IReadOnlyList<TrainingImage> images, int patchSize, int padding, ColorMode colorMode, Degradations degradations, double probability, double skipFlat = 0, double edgeCrops = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(skipFlat, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(skipFlat, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(edgeCrops, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(edgeCrops, 1);
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
        // With no context there is nothing past an edge to repeat: an edge crop would be a plain one.
        _edgeCrops = padding > 0 ? edgeCrops : 0;
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
        // Decided once, so a flat edge crop drawn again is another edge crop, and the share holds.
        // The extra draw only when edge crops are on, so runs without them keep their seeds' batches.
        bool againstEdge = _edgeCrops > 0 && random.NextDouble() < _edgeCrops;
        for (int attempt = 0; ; attempt++)
        {
            var image = PickImage(random);
            var (x, y) = againstEdge
                ? EdgePosition(random, image)
                : (random.Next(0, image.Width / 2 - LowSide + 1), random.Next(0, image.Height / 2 - LowSide + 1));
            if (attempt == MaxRedraws || _skipFlat == 0 || random.NextDouble() >= _skipFlat || Detail(image, x, y) >= FlatDetailLevel)
            {
                return (image, x, y);
            }
        }
    }

    /// <summary>
    /// A crop whose context reaches past one edge of the photo by 1 to <c>padding</c> pixels,
    /// so the first (or last) rows or columns it learns from lie 0 to <c>padding - 1</c> pixels
    /// inside that edge; along the other axis it lies anywhere, a corner included.
    /// </summary>
    private (int X, int Y) EdgePosition(Random random, TrainingImage image)
    {
        int lastX = image.Width / 2 - LowSide;
        int lastY = image.Height / 2 - LowSide;
        return random.Next(2) == 0
            ? (PastEdge(random, lastX), random.Next(-_padding, lastY + _padding + 1))
            : (random.Next(-_padding, lastX + _padding + 1), PastEdge(random, lastY));
    }

    private int PastEdge(Random random, int last)
    {
        int beyond = random.Next(1, _padding + 1);
        return random.Next(2) == 0 ? -beyond : last + beyond;
    }

    /// <summary>
    /// Mean absolute horizontal and vertical step of the clean low-resolution green plane in the
    /// part of a crop that lies inside the photo.
    /// </summary>
    public double Detail(TrainingImage image, int x0, int y0)
    {
        int width = image.Width / 2;
        int height = image.Height / 2;
        int plane = width * height;
        byte[] low = image.LowResolution[0];
        int left = Math.Max(x0, 0), right = Math.Min(x0 + LowSide, width) - 1;
        int top = Math.Max(y0, 0), bottom = Math.Min(y0 + LowSide, height) - 1;
        long sum = 0;
        for (int y = top; y < bottom; y++)
        {
            int row = plane + y * width;
            for (int x = left; x < right; x++)
            {
                int at = row + x;
                sum += Math.Abs(low[at + 1] - low[at]) + Math.Abs(low[at + width] - low[at]);
            }
        }
        return sum / (2.0 * (right - left) * (bottom - top));
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
    // Positions past the photo's edge take the nearest edge pixel, as inference's edge padding does.
    private void CopyCrop(byte[] source, int width, int plane, int x0, int y0, int side, int orientation, Span<float> destination)
    {
        int n = side * side;
        int height = plane / width;
        for (int v = 0; v < side; v++)
        {
            for (int u = 0; u < side; u++)
            {
                var (sx, sy) = Orient(u, v, side, orientation);
                int at = Math.Clamp(y0 + sy, 0, height - 1) * width + Math.Clamp(x0 + sx, 0, width - 1);
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
