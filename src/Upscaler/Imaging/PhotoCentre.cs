using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Imaging;

/// <summary>
/// The centre of a photo as a network of one colour mode takes it, for tools that measure a network
/// on many photos (int8 calibration, <c>seranet prune</c>'s check): a square of at most a given
/// side, so that a large photo does not need gigabytes of activations.
/// </summary>
public static class PhotoCentre
{
    /// <summary>[1, channels, h, w]: the centre (at most <paramref name="side"/> square) of an RGB photo; luma for a 1-channel network.</summary>
    public static Tensor Take(ImagePlanes photo, int side, int channels)
    {
        ArgumentNullException.ThrowIfNull(photo);
        int height = Math.Min(photo.Height, side);
        int width = Math.Min(photo.Width, side);
        int top = (photo.Height - height) / 2;
        int left = (photo.Width - width) / 2;
        Tensor rgb = tensor(photo.Data, [1, 3, photo.Height, photo.Width])[.., .., top..(top + height), left..(left + width)];
        return channels == 1 ? ColorSpaces.RgbToYCbCr(rgb)[.., ..1] : rgb;
    }
}
