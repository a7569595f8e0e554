namespace SeRanet.Video.Upscaler.Imaging;

/// <summary>Puts two same-size pictures next to each other for comparison, with a thin dark gap.</summary>
public static class SideBySide
{
    public const int Gap = 4;

    public static ImagePlanes Compose(ImagePlanes left, ImagePlanes right)
    {
        if (left.Width != right.Width || left.Height != right.Height || left.Channels != right.Channels)
        {
            throw new ArgumentException("Pictures shown side by side must share one size.", nameof(right));
        }
        int width = left.Width * 2 + Gap;
        var result = new ImagePlanes(left.Channels, left.Height, width);
        for (int c = 0; c < left.Channels; c++)
        {
            for (int y = 0; y < left.Height; y++)
            {
                var row = result.Data.AsSpan((c * left.Height + y) * width, width);
                left.Data.AsSpan((c * left.Height + y) * left.Width, left.Width).CopyTo(row);
                row.Slice(left.Width, Gap).Fill(0.1f);
                right.Data.AsSpan((c * right.Height + y) * right.Width, right.Width).CopyTo(row[(left.Width + Gap)..]);
            }
        }
        return result;
    }

    /// <summary>Enlarges by a whole factor with square pixels, so a zoomed crop shows the real pixels.</summary>
    public static ImagePlanes Zoom(ImagePlanes image, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        if (factor == 1)
        {
            return image;
        }
        var result = new ImagePlanes(image.Channels, image.Height * factor, image.Width * factor);
        for (int c = 0; c < image.Channels; c++)
        {
            for (int y = 0; y < result.Height; y++)
            {
                for (int x = 0; x < result.Width; x++)
                {
                    result[c, y, x] = image[c, y / factor, x / factor];
                }
            }
        }
        return result;
    }
}
