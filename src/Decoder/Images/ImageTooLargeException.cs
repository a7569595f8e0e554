namespace SeRanet.Video.Decoder.Images;

/// <summary>
/// A picture larger than the reader was allowed to decode. Each shell says how its user allows
/// more (the CLI: a flag).
/// </summary>
public sealed class ImageTooLargeException(string path, int width, int height, long maxPixels)
    : IOException($"{path} is {width}x{height} ({(double)width * height / 1e6:0.#} megapixels), above the limit of {maxPixels / 1e6:0.#} megapixels.")
{
    public long MaxPixels { get; } = maxPixels;

    public static void ThrowIfAbove(string path, int width, int height, long maxPixels)
    {
        if ((long)width * height > maxPixels)
        {
            throw new ImageTooLargeException(path, width, height, maxPixels);
        }
    }
}
