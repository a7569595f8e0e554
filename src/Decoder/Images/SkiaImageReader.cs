using System.Buffers;
using System.Runtime.InteropServices;
using SeRanet.Video.Core.Imaging;
using SkiaSharp;

namespace SeRanet.Video.Decoder.Images;

/// <summary>
/// Decodes 8-bit PNG, JPEG and WebP in process with Skia: no ffprobe and no ffmpeg process per
/// image, which is most of the cost of small images. Pixels come out exactly as stored: no colour
/// management (the destination has no colour space) and alpha dropped, as the ffmpeg path does.
/// An EXIF orientation (phone photos) is applied, so the frame is the picture as it is shown and
/// the upscaled copy, written without the tag, shows the same way.
/// </summary>
public static class SkiaImageReader
{
    /// <summary>
    /// The decoded frame, or null when Skia cannot decode the file completely or its pixels would not
    /// fit one managed buffer (the ffmpeg path then takes it).
    /// </summary>
    /// <exception cref="ImageTooLargeException">The picture has more than <paramref name="maxPixels"/> pixels.</exception>
    public static Frame? TryRead(string path, long maxPixels = ImageFileReader.DefaultMaxPixels)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null)
        {
            return null;
        }
        int width = codec.Info.Width;
        int height = codec.Info.Height;
        ImageTooLargeException.ThrowIfAbove(path, width, height, maxPixels);
        if ((long)width * height * 4 > Array.MaxLength)
        {
            return null;
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        byte[] rgba = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            SKCodecResult result;
            var pinned = GCHandle.Alloc(rgba, GCHandleType.Pinned);
            try
            {
                result = codec.GetPixels(info, pinned.AddrOfPinnedObject());
            }
            finally
            {
                pinned.Free();
            }
            if (result != SKCodecResult.Success)
            {
                return null;
            }
            return Upright(rgba.AsSpan(0, info.BytesSize), width, height, codec.EncodedOrigin);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>
    /// The stored RGBA pixels as the RGB picture the EXIF orientation says to show: for each shown
    /// pixel, the stored pixel it comes from. Quarter turns swap width and height.
    /// </summary>
    private static Frame Upright(ReadOnlySpan<byte> rgba, int width, int height, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            var plain = Frame.Rent(width, height, PixelFormat.Rgb24);
            DropAlpha(rgba, plain.Data);
            return plain;
        }
        bool quarterTurn = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int shownWidth = quarterTurn ? height : width;
        int shownHeight = quarterTurn ? width : height;
        var frame = Frame.Rent(shownWidth, shownHeight, PixelFormat.Rgb24);
        var rgb = frame.Data;
        for (int y = 0; y < shownHeight; y++)
        {
            for (int x = 0; x < shownWidth; x++)
            {
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (width - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, height - 1 - x),
                    SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x),
                    SKEncodedOrigin.LeftBottom => (width - 1 - y, x),
                    _ => (x, y),
                };
                int from = (sy * width + sx) * 4;
                int to = (y * shownWidth + x) * 3;
                rgb[to] = rgba[from];
                rgb[to + 1] = rgba[from + 1];
                rgb[to + 2] = rgba[from + 2];
            }
        }
        return frame;
    }

    private static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
    }
}
