namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// Instruction-set features the runtime's intrinsics do not report (.NET has no AVX512-BF16 or
/// AMX class), read from the kernel's flags for the CPU.
/// </summary>
public static class CpuFeatures
{
    private static readonly Lazy<IReadOnlySet<string>> Flags = new(ReadFlags);

    // oneDNN's ISA names without bf16 arithmetic (AVX2_VNNI_2 only converts to and from it).
    private static readonly HashSet<string> BelowBf16 = new(
        ["SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether oneDNN has native bf16 convolutions here: the CPU has AVX512-BF16 or AMX-BF16 and
    /// oneDNN is not capped below them (<see cref="IsaCapAllowsBf16"/>). Without them it would
    /// have to convert through float32, which cannot beat float32 itself.
    /// </summary>
    public static bool HasBf16 =>
        (Flags.Value.Contains("avx512_bf16") || Flags.Value.Contains("amx_bf16"))
        && IsaCapAllowsBf16(IsaCap());

    /// <summary>
    /// Whether oneDNN's instruction-set cap (<c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c>, null when unset) leaves it
    /// its bf16 instructions. Capped below AVX512_CORE_BF16 it still runs bfloat16 convolutions,
    /// but through conversions: 1.3 to 1.5 frames a second against 19 to 21 uncapped for
    /// seranet-fast-nofusion-d6 on an AMD EPYC (<c>seranet bench --precision bf16</c>), far
    /// slower than float32 kernels over bfloat16's numbers. The cap is also how the tests stand
    /// in for an AVX2 machine, which has no bf16 instructions.
    /// </summary>
    public static bool IsaCapAllowsBf16(string? cap) => string.IsNullOrEmpty(cap) || !BelowBf16.Contains(cap);

    // As oneDNN reads it: ONEDNN_MAX_CPU_ISA, or its older name when that is unset or empty.
    private static string? IsaCap() =>
        Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is { Length: > 0 } cap ? cap : Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");

    /// <summary>
    /// Whether the CPU has 8-bit dot products (AVX512-VNNI or AVX-VNNI), which ONNX Runtime's int8
    /// convolutions use without the 16-bit intermediate sums of its AVX2 kernels.
    /// </summary>
    public static bool HasVnni => Flags.Value.Contains("avx512_vnni") || Flags.Value.Contains("avx_vnni");

    /// <summary>Parses the first <c>flags</c> line of /proc/cpuinfo (every core reports the same set).</summary>
    public static IReadOnlySet<string> ParseFlags(IEnumerable<string> cpuinfoLines)
    {
        foreach (string line in cpuinfoLines)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "flags")
            {
                return line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            }
        }
        return new HashSet<string>();
    }

    private static IReadOnlySet<string> ReadFlags()
    {
        const string cpuinfo = "/proc/cpuinfo";
        // Elsewhere (macOS, Windows) nothing is known, so bf16 counts as absent: the safe answer.
        return OperatingSystem.IsLinux() && File.Exists(cpuinfo) ? ParseFlags(File.ReadLines(cpuinfo)) : new HashSet<string>();
    }
}
