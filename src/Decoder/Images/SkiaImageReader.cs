using System.Buffers;
using System.Runtime.InteropServices;
using SeRanet.Video.Core.Imaging;
using SkiaSharp;

namespace SeRanet.Video.Decoder.Images;

/// <summary>
/// Decodes 8-bit PNG, JPEG and WebP in process with Skia: no ffprobe and no ffmpeg process per
/// image, which is most of the cost of small images. Pixels come out exactly as stored: no colour
/// management (the destination has no colour space) and alpha dropped, as the ffmpeg path does.
/// </summary>
public static class SkiaImageReader
{
    /// <summary>
    /// The decoded frame, or null when Skia cannot decode the file completely or its pixels would not
    /// fit one managed buffer (the ffmpeg path then takes it).
    /// </summary>
    public static Frame? TryRead(string path)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null)
        {
            return null;
        }
        int width = codec.Info.Width;
        int height = codec.Info.Height;
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
            var frame = Frame.Rent(width, height, PixelFormat.Rgb24);
            DropAlpha(rgba.AsSpan(0, info.BytesSize), frame.Data);
            return frame;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
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
