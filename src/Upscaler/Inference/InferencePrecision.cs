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
    /// bfloat16 weights and activations on libtorch (oneDNN's AVX512-BF16/AMX kernels), float32
    /// accumulation; only on CPUs with bf16 instructions (<see cref="CpuFeatures.HasBf16"/>).
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
    /// bf16 is refused, not quietly replaced by fp32, where it would not run as measured: without
    /// bf16 instructions oneDNN would convert through fp32, which cannot beat fp32, and only the
    /// CPU path was measured.
    /// </summary>
    /// <param name="cpuHasBf16">Whether the CPU has bf16 instructions (<see cref="CpuFeatures.HasBf16"/>).</param>
    /// <param name="cpuHasVnni">Whether the CPU has 8-bit dot-product instructions (<see cref="CpuFeatures.HasVnni"/>).</param>
    /// <remarks>
    /// int8 is refused without VNNI for the same reason as bf16 without bf16 instructions, and one
    /// more: ONNX Runtime's AVX2 kernels for uint8 times int8 add pairs of products in 16 bits,
    /// which can saturate with full-range weights, so the measured picture would not hold there.
    /// </remarks>
    public static string? Refusal(InferencePrecision precision, DeviceType device, bool cpuHasBf16, bool cpuHasVnni) => precision switch
    {
        InferencePrecision.Bf16 when device != DeviceType.CPU => "bf16 precision is implemented for the CPU only; run on the CPU or in fp32.",
        InferencePrecision.Bf16 when !cpuHasBf16 => "bf16 precision needs a CPU with AVX512-BF16 or AMX-BF16 instructions, which this one lacks; use fp32.",
        InferencePrecision.Int8 when device != DeviceType.CPU => "int8 precision is implemented for the CPU only; run on the CPU or in fp32.",
        InferencePrecision.Int8 when !cpuHasVnni => "int8 precision needs a CPU with AVX512-VNNI or AVX-VNNI instructions, which this one lacks; use fp32.",
        _ => null,
    };
}
