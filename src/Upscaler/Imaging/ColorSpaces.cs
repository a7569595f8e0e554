using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Imaging;

/// <summary>
/// Full-range BT.601 YCbCr (as JPEG uses) for the Y-only colour mode: Y goes through the
/// network, Cb and Cr through a conventional upscale. Values stay in [0, 1], chroma centred on 0.5.
/// </summary>
public static class ColorSpaces
{
    /// <summary>[N, 3, H, W] RGB to [N, 3, H, W] Y, Cb, Cr.</summary>
    public static Tensor RgbToYCbCr(Tensor rgb)
    {
        Tensor r = rgb[.., 0..1], g = rgb[.., 1..2], b = rgb[.., 2..3];
        Tensor y = 0.299 * r + 0.587 * g + 0.114 * b;
        Tensor cb = (b - y) / 1.772 + 0.5;
        Tensor cr = (r - y) / 1.402 + 0.5;
        return cat([y, cb, cr], dim: 1);
    }

    public static Tensor YCbCrToRgb(Tensor ycbcr)
    {
        Tensor y = ycbcr[.., 0..1], cb = ycbcr[.., 1..2] - 0.5, cr = ycbcr[.., 2..3] - 0.5;
        Tensor r = y + 1.402 * cr;
        Tensor b = y + 1.772 * cb;
        Tensor g = (y - 0.299 * r - 0.114 * b) / 0.587;
        return cat([r, g, b], dim: 1);
    }
}
