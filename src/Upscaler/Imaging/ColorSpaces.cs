using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Imaging;

/// <summary>
/// Full-range BT.601 YCbCr (as JPEG uses) for the Y-only colour mode: Y goes through the
/// network, Cb and Cr through a conventional upscale. Values stay in [0, 1], chroma centred on 0.5.
/// </summary>
/// <remarks>
/// Written as 1x1 convolutions with tensor weights rather than tensor-times-double arithmetic,
/// which would create short-lived native scalars (see <see cref="TorchScalars"/>).
/// </remarks>
public static class ColorSpaces
{
    private static readonly float[] ToYCbCr =
    [
        0.299f, 0.587f, 0.114f,
        -0.168736f, -0.331264f, 0.5f,
        0.5f, -0.418688f, -0.081312f,
    ];

    private static readonly float[] ToYCbCrOffset = [0f, 0.5f, 0.5f];

    /// <summary>Full-range BT.601 luma as a weighted sum of R, G and B (the first row of the YCbCr matrix): what Y models see.</summary>
    public static ReadOnlySpan<float> LumaWeights => ToYCbCr.AsSpan(0, 3);

    private static readonly float[] ToRgb =
    [
        1f, 0f, 1.402f,
        1f, -0.344136f, -0.714136f,
        1f, 1.772f, 0f,
    ];

    private static readonly float[] ToRgbOffset = [-0.701f, 0.529136f, -0.886f];

    /// <summary>[N, 3, H, W] RGB to [N, 3, H, W] Y, Cb, Cr.</summary>
    public static Tensor RgbToYCbCr(Tensor rgb) => Affine(rgb, ToYCbCr, ToYCbCrOffset);

    public static Tensor YCbCrToRgb(Tensor ycbcr) => Affine(ycbcr, ToRgb, ToRgbOffset);

    /// <summary>Clips to [0, 1] with scalars that outlive the native call.</summary>
    public static Tensor ClipUnit(Tensor x) => x.clamp(TorchScalars.Zero, TorchScalars.One);

    /// <summary>Per pixel, <c>matrix</c> (row-major 3x3) times the three channels plus <c>offset</c>.</summary>
    public static Tensor Affine(Tensor x, float[] matrix, float[] offset)
    {
        Tensor weight = torch.tensor(matrix, [3, 3, 1, 1], dtype: x.dtype, device: x.device);
        Tensor bias = torch.tensor(offset, [3], dtype: x.dtype, device: x.device);
        return nn.functional.conv2d(x, weight, bias);
    }
}
