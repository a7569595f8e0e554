namespace SeRanet.Video.Training.Data;

/// <summary>
/// A training photo held as 8-bit planar RGB: the high-resolution original, cropped to even
/// size, and its 2x bicubic downscale (plus compressed variants of that downscale when the
/// run asks for compression degradations). 8 bits because that is what the network sees at
/// inference too, and it keeps a few hundred photos in a few hundred megabytes.
/// </summary>
public sealed class TrainingImage
{
    public TrainingImage(string name, int width, int height, byte[] highResolution, IReadOnlyList<byte[]> lowResolution)
    {
        if (width % 2 != 0 || height % 2 != 0)
        {
            throw new ArgumentException("Training images are cropped to even sizes.");
        }
        Name = name;
        Width = width;
        Height = height;
        HighResolution = highResolution;
        LowResolution = lowResolution;
    }

    public string Name { get; }

    /// <summary>High-resolution width; the low resolution is half.</summary>
    public int Width { get; }

    public int Height { get; }

    /// <summary>3 x Height x Width bytes.</summary>
    public byte[] HighResolution { get; }

    /// <summary>Index 0: the clean downscale; later entries: compressed variants of it.</summary>
    public IReadOnlyList<byte[]> LowResolution { get; }

    public long Pixels => (long)Width * Height;
}
