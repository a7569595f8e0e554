using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Training.Data;

/// <summary>
/// The one degradation that training and evaluation share: the original cropped to even size
/// and stored as 8 bits, and its 2x antialiased bicubic downscale, also stored as 8 bits
/// (what a real 8-bit low-resolution input is).
/// </summary>
public static class TrainingPair
{
    public static (ImagePlanes High, ImagePlanes Low) From(Frame frame)
    {
        var high = High(frame);
        return (high, Low(high));
    }

    /// <summary>The original, cropped to even size, as 8-bit values.</summary>
    public static ImagePlanes High(Frame frame) =>
        ImagePlanes.FromFrame(frame).Crop(0, 0, frame.Width & ~1, frame.Height & ~1).Quantized8();

    /// <summary>The 8-bit 2x antialiased bicubic downscale of an even-sized original.</summary>
    public static ImagePlanes Low(ImagePlanes high) => Resampler.Downscale(high, 2).Quantized8();
}
