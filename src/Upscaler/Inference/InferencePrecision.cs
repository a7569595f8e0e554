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
}

public static class InferencePrecisions
{
    /// <summary>The precision's name in reports and on the command line.</summary>
    public static string Name(this InferencePrecision precision) => precision switch
    {
        InferencePrecision.Fp32 => "fp32",
        InferencePrecision.Bf16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>
    /// Why <paramref name="precision"/> cannot run on <paramref name="device"/>, or null when it can.
    /// bf16 is refused, not quietly replaced by fp32, where it would not run as measured: without
    /// bf16 instructions oneDNN would convert through fp32, which cannot beat fp32, and only the
    /// CPU path was measured.
    /// </summary>
    /// <param name="cpuHasBf16">Whether the CPU has bf16 instructions (<see cref="CpuFeatures.HasBf16"/>).</param>
    public static string? Refusal(InferencePrecision precision, DeviceType device, bool cpuHasBf16) => precision switch
    {
        InferencePrecision.Bf16 when device != DeviceType.CPU => "bf16 precision is implemented for the CPU only; run on the CPU or in fp32.",
        InferencePrecision.Bf16 when !cpuHasBf16 => "bf16 precision needs a CPU with AVX512-BF16 or AMX-BF16 instructions, which this one lacks; use fp32.",
        _ => null,
    };
}
