using SeRanet.Video.Core.Imaging.Planar;

namespace SeRanet.Video.Core.Imaging;

/// <summary>
/// The raw frames that travel between ffmpeg and the model: interleaved RGB (<see cref="Interleaved"/>)
/// or planar gray/YUV (<see cref="Planes"/>, 9 to 16 bits as 16-bit little-endian samples). One of
/// the two is set. The decoder asks ffmpeg for <see cref="FfmpegName"/> and the encoder tells
/// ffmpeg that is what it gets, so both ends agree on every byte.
/// </summary>
public sealed record RawVideoFormat
{
    private RawVideoFormat(PixelFormat? interleaved, PlaneFormat? planes, string ffmpegName)
    {
        Interleaved = interleaved;
        Planes = planes;
        FfmpegName = ffmpegName;
    }

    public PixelFormat? Interleaved { get; }

    public PlaneFormat? Planes { get; }

    /// <summary>ffmpeg's <c>-pix_fmt</c> name: rgb24, rgb48le, yuv420p, yuv422p10le, gray16le...</summary>
    public string FfmpegName { get; }

    public bool IsPlanar => Planes is not null;

    public static RawVideoFormat Rgb(PixelFormat format) => new(format, null, format.FfmpegName());

    /// <summary>RGB deep enough for a source of <paramref name="bitDepth"/> bits: what RGB models get.</summary>
    public static RawVideoFormat RgbFor(int bitDepth) => Rgb(PixelFormatInfo.ForBitDepth(bitDepth));

    /// <exception cref="ArgumentException">ffmpeg has no planar format of this layout and depth.</exception>
    public static RawVideoFormat Planar(PlaneFormat format) => new(null, format, FfmpegPlaneFormats.Name(format));

    /// <summary>A pooled frame of this format; the caller disposes it.</summary>
    public IVideoFrame Rent(int width, int height, long index, long? pts) => Planes is { } planes
        ? PlanarFrame.Rent(width, height, planes, index, pts)
        : Frame.Rent(width, height, Interleaved!.Value, index: index, pts: pts);

    public override string ToString() => FfmpegName;
}
