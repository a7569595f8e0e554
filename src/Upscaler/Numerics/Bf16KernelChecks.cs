namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>
/// Which convolution shapes this CPU's bfloat16 kernels compute rightly, each shape checked once,
/// and why a network may not run bf16 on them: the answer is the network's own, from its own
/// shapes, so in a process with several networks one's wrong shape says nothing of another's.
/// Not thread-safe: <see cref="ConvolutionGuard.Bf16KernelsRefusal"/> holds the process's one
/// instance under its lock, beside the float32 checks that share libtorch's kernel switches.
/// </summary>
/// <param name="selfCheck">Compares one shape's bfloat16 kernel with a float32 reference (<see cref="ConvolutionSelfCheck"/>).</param>
public sealed class Bf16KernelChecks(Func<ConvolutionShape, ConvolutionCheckResult> selfCheck)
{
    /// <summary>Why bf16 may not use bfloat16 kernels on a CPU without the instructions oneDNN needs for them.</summary>
    public const string NoBf16Instructions = "this CPU has no AVX512-BF16 or AMX-BF16 instructions, or ONEDNN_MAX_CPU_ISA keeps oneDNN from them";

    private readonly HashSet<ConvolutionShape> _right = [];
    private readonly Dictionary<ConvolutionShape, string> _wrong = [];

    /// <summary>Why a network with <paramref name="shapes"/> may not run bf16 on bfloat16 kernels; null when it may.</summary>
    /// <param name="shapes">The convolutions the network runs in bfloat16 (<see cref="ConvolutionShape.InBfloat16"/>).</param>
    /// <param name="cpuHasBf16">Whether the CPU has bf16 instructions that oneDNN may use (<see cref="Inference.CpuFeatures.HasBf16"/>).</param>
    public string? Refusal(IEnumerable<ConvolutionShape> shapes, bool cpuHasBf16)
    {
        if (!cpuHasBf16)
        {
            return NoBf16Instructions;
        }
        string? refusal = null;
        // One shape at a time, so that a wrong kernel condemns its own shape only, not another
        // network's that shares the rest.
        foreach (var shape in shapes.Distinct())
        {
            if (_right.Contains(shape))
            {
                continue;
            }
            if (!_wrong.TryGetValue(shape, out string? wrong))
            {
                var result = selfCheck(shape);
                if (result.Passed)
                {
                    _right.Add(shape);
                    continue;
                }
                wrong = $"this CPU's bf16 convolutions are wrong: {result.Worst}, relative error {result.WorstRelativeError:0.0e0}";
                _wrong.Add(shape, wrong);
            }
            refusal ??= wrong;
        }
        return refusal;
    }
}
