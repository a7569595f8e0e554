using TorchSharp;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// The number format the network's convolutions compute in. Images in and out stay float32
/// whatever the precision; only the weights and activations inside the network change.
/// </summary>
public enum InferencePrecision
{
    /// <summary>float32 throughout: the reference, identical on AVX-512 and AVX2 CPUs.</summary>
    Fp32,

    /// <summary>
    /// bfloat16 weights and activations on libtorch, float32 accumulation: on oneDNN's
    /// AVX512-BF16/AMX kernels where the CPU has them (<see cref="CpuFeatures.HasBf16"/>) and they
    /// pass the self-check, elsewhere on float32 kernels over the same bfloat16 numbers
    /// (<see cref="Architectures.ConvolutionNumbers.Bf16OnFp32Kernels"/>): the same pictures to within
    /// one 8-bit level, slower.
    /// </summary>
    Bf16,

    /// <summary>
    /// uint8 activations and int8 weights on ONNX Runtime (QDQ graph, QLinearConv on VNNI), with
    /// scales from activation ranges measured once on real photos and kept beside the model
    /// (<see cref="Weights.ActivationRanges"/>); the image into the network, the residual's
    /// bicubic and the output stay float. Only on CPUs with VNNI (<see cref="CpuFeatures.HasVnni"/>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The precision's own name, and its command-line word.")]
    Int8,
}

public static class InferencePrecisions
{
    /// <summary>The precision's name in reports and on the command line.</summary>
    public static string Name(this InferencePrecision precision) => precision switch
    {
        InferencePrecision.Fp32 => "fp32",
        InferencePrecision.Bf16 => "bf16",
        InferencePrecision.Int8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>
    /// Why <paramref name="precision"/> cannot run on <paramref name="device"/>, or null when it can.
    /// bf16 runs on every CPU (on float32 kernels where bfloat16 ones are missing or wrong) and
    /// was measured on the CPU only.
    /// </summary>
    /// <param name="cpuHasVnni">Whether the CPU has 8-bit dot-product instructions (<see cref="CpuFeatures.HasVnni"/>).</param>
    /// <remarks>
    /// int8 is refused without VNNI: ONNX Runtime's other kernels for uint8 times int8 (AVX2) add
    /// pairs of products in 16 bits, which can saturate with full-range weights, so the measured
    /// picture would not hold there.
    /// </remarks>
    public static string? Refusal(InferencePrecision precision, DeviceType device, bool cpuHasVnni) => precision switch
    {
        InferencePrecision.Bf16 when device != DeviceType.CPU => "bf16 precision is implemented for the CPU only; run on the CPU or in fp32.",
        InferencePrecision.Int8 when device != DeviceType.CPU => "int8 precision is implemented for the CPU only; run on the CPU or in fp32.",
        InferencePrecision.Int8 when !cpuHasVnni => "int8 precision needs a CPU with AVX512-VNNI or AVX-VNNI instructions, which this one lacks; use fp32.",
        _ => null,
    };
}
