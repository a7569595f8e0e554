namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// Instruction-set features the runtime's intrinsics do not report (.NET has no AVX512-BF16 or
/// AMX class), read from the kernel's flags for the CPU.
/// </summary>
public static class CpuFeatures
{
    private static readonly Lazy<IReadOnlySet<string>> Flags = new(ReadFlags);

    /// <summary>
    /// Whether oneDNN has native bf16 convolutions here (AVX512-BF16 or AMX-BF16). Without them it
    /// would have to convert through float32, which cannot beat float32 itself.
    /// </summary>
    public static bool HasBf16 => Flags.Value.Contains("avx512_bf16") || Flags.Value.Contains("amx_bf16");

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
