namespace SeRanet.Video.Core.Imaging;

/// <summary>Interleaved pixel layouts that travel through the pipeline.</summary>
public enum PixelFormat
{
    /// <summary>8 bits per channel, R G B.</summary>
    Rgb24,

    /// <summary>16 bits per channel, little-endian, R G B.</summary>
    Rgb48,
}

/// <summary>Facts about a <see cref="PixelFormat"/>.</summary>
public static class PixelFormatInfo
{
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Rgb24 => 3,
        PixelFormat.Rgb48 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static int BitDepth(this PixelFormat format) => format == PixelFormat.Rgb48 ? 16 : 8;

    /// <summary>The largest code value of one channel: 255 or 65535.</summary>
    public static float MaxValue(this PixelFormat format) => format == PixelFormat.Rgb48 ? 65535f : 255f;

    /// <summary>ffmpeg's name for the raw layout (<c>-pix_fmt</c>).</summary>
    public static string FfmpegName(this PixelFormat format) => format switch
    {
        PixelFormat.Rgb24 => "rgb24",
        PixelFormat.Rgb48 => "rgb48le",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static PixelFormat ForBitDepth(int bitDepth) => bitDepth > 8 ? PixelFormat.Rgb48 : PixelFormat.Rgb24;
}
