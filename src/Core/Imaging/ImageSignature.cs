namespace SeRanet.Video.Core.Imaging;

/// <summary>The still-image formats read and written in process, recognised by their first bytes.</summary>
public enum ImageContainer
{
    Other,

    /// <summary>PNG of at most 8 bits per sample; 16-bit PNGs count as <see cref="Other"/>.</summary>
    Png8,
    Jpeg,
    WebP,
}

public static class ImageSignature
{
    /// <summary>Enough bytes for every check below (PNG's bit depth sits at offset 24).</summary>
    public const int HeaderLength = 32;

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static ImageContainer Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 25 && header[..8].SequenceEqual(PngMagic))
        {
            // IHDR is always the first chunk; its bit depth byte follows width and height.
            return header[24] <= 8 ? ImageContainer.Png8 : ImageContainer.Other;
        }
        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return ImageContainer.Jpeg;
        }
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageContainer.WebP;
        }
        return ImageContainer.Other;
    }

    public static ImageContainer Detect(string path)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return Detect(header[..read]);
    }
}
