using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>
/// Every convolution this project runs on the CPU uses channels-last (NHWC) tensors. Speed is one
/// reason (oneDNN runs these narrow layers faster that way); correctness is the other: libtorch
/// 2.10's oneDNN 3.7.1 computes some NCHW 3x3 convolutions wrongly on AVX-512 CPUs of the Zen 4
/// class (24 or 40 input channels, inputs of 32x32 and up), while its channels-last kernels are exact
/// there. <see cref="ConvolutionSelfCheck"/> verifies the layout on the CPU at hand.
/// </summary>
public static class MemoryLayout
{
    /// <summary>
    /// The same values with NHWC strides (a copy only when the strides change). TorchSharp has no
    /// memory-format argument, but libtorch picks the layout from the strides, and a permuted
    /// contiguous NHWC tensor has exactly those. Differentiable, so training uses it too.
    /// </summary>
    public static Tensor ChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
