using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>What <see cref="ConvolutionGuard"/> has checked in this process, and which kernels it uses because of it.</summary>
/// <param name="Checked">Everything compared so far on the kernels now in use.</param>
/// <param name="FastPathFailure">How oneDNN's kernels failed, when they did; then oneDNN is off.</param>
public sealed record ConvolutionGuardReport(ConvolutionCheckResult Checked, ConvolutionCheckResult? FastPathFailure)
{
    /// <summary>oneDNN was wrong on this CPU and has been switched off for the process.</summary>
    public bool UsesSafePath => FastPathFailure is not null;

    /// <summary>How <see cref="Describe"/> begins on the safe path; what follows depends on what the process checked first.</summary>
    public const string SafePathOpening = "this CPU's fast (oneDNN) convolutions are wrong";

    /// <summary>Whether a line of <see cref="Warnings"/> is the safe-path line, whatever it names after its opening.</summary>
    public static bool IsSafePathWarning(string warning) => warning.StartsWith(SafePathOpening, StringComparison.Ordinal);

    /// <summary>What a shell warns its user of: the <see cref="Describe"/> line on the safe path, nothing otherwise.</summary>
    public IReadOnlyList<string> Warnings => UsesSafePath ? [Describe()] : [];

    /// <summary>One line for the user.</summary>
    public string Describe() => FastPathFailure is not { } failure
        ? $"convolution self-check passed: {Checked.Shapes} shapes, worst relative error {Checked.WorstRelativeError:0.0e0} ({Checked.Elapsed.TotalMilliseconds:F0} ms)"
        : $"{SafePathOpening} ({failure.Worst}: relative error {failure.WorstRelativeError:0.0e0}); " +
          $"using libtorch's slower exact kernels instead (checked: {Checked.Shapes} shapes, worst relative error {Checked.WorstRelativeError:0.0e0})";
}

/// <summary>
/// Runs <see cref="ConvolutionSelfCheck"/> before a network's first call, over that network's
/// convolution shapes, each shape once per process. If oneDNN's kernels are wrong on this CPU it
/// turns them off for the process (<see cref="OneDnnSwitch"/>) and checks every shape again on
/// libtorch's own kernels, so a wrong kernel can cost speed but never pixels or a training run.
/// </summary>
/// <remarks>
/// The kernels are process-wide state in libtorch, so this is too. A check costs a few
/// milliseconds per shape: about 20 ms for the default model's inference, on top of the libtorch
/// warm-up the first model call pays anyway.
/// </remarks>
public static class ConvolutionGuard
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<(ConvolutionShape, bool)> Verified = [];
    // bfloat16 kernels are checked too: on an AMD EPYC with AVX512-BF16 and no AMX, oneDNN 3.7.1's
    // jit_bf16 kernels were wrong for one input channel (4.5 dB lost on a real photo). Intel's AMX
    // kernels were exact.
    private static readonly Bf16KernelChecks Bf16Checks = new(shape => ConvolutionSelfCheck.Run([shape], backward: false, precision: ScalarType.BFloat16));
    private static ConvolutionCheckResult? _checked;
    private static ConvolutionCheckResult? _fastPathFailure;

    /// <summary>What has been checked so far; null before the first check.</summary>
    public static ConvolutionGuardReport? Current
    {
        get
        {
            lock (Gate)
            {
                return _checked is null ? null : new ConvolutionGuardReport(_checked, _fastPathFailure);
            }
        }
    }

    /// <summary>Checks the shapes not checked yet (thread-safe) and returns what has been checked in all.</summary>
    /// <param name="shapes">The network's convolutions.</param>
    /// <param name="backward">Also check gradients, for training.</param>
    /// <exception cref="InvalidOperationException">Neither the fast nor the safe kernels are exact on this CPU.</exception>
    public static ConvolutionGuardReport EnsureVerified(IEnumerable<ConvolutionShape> shapes, bool backward)
    {
        lock (Gate)
        {
            NnpackSwitch.Disable();
            var unchecked_ = shapes.Where(shape => !Verified.Contains((shape, backward))).Distinct().ToList();
            if (unchecked_.Count > 0)
            {
                var result = ConvolutionSelfCheck.Run(unchecked_, backward: backward);
                if (!result.Passed && _fastPathFailure is null)
                {
                    _fastPathFailure = result;
                    OneDnnSwitch.SetEnabled(false);
                    // Everything passed before ran on the kernels just switched off: check it all again.
                    unchecked_.AddRange(Verified.Where(v => v.Item2 == backward).Select(v => v.Item1));
                    Verified.Clear();
                    _checked = null;
                    result = ConvolutionSelfCheck.Run(unchecked_, backward: backward);
                }
                if (!result.Passed)
                {
                    throw new InvalidOperationException(
                        $"libtorch computes convolutions wrongly on this CPU, with and without oneDNN ({result.Worst}: relative error {result.WorstRelativeError:0.0e0}); refusing to produce wrong pixels.");
                }
                Verified.UnionWith(unchecked_.Select(shape => (shape, backward)));
                _checked = Merge(_checked, result);
            }
            return new ConvolutionGuardReport(_checked!, _fastPathFailure);
        }
    }

    /// <summary>
    /// Why <c>--precision bf16</c> may not run on this CPU's bfloat16 kernels for a network with
    /// <paramref name="shapes"/>, or null when it may (<see cref="Bf16KernelChecks.Refusal"/>: each
    /// shape checked once per process; thread-safe). When refused, the network runs bf16 on float32
    /// kernels over bfloat16's numbers (<see cref="Architectures.ConvolutionNumbers.Bf16OnFp32Kernels"/>).
    /// </summary>
    /// <param name="shapes">The convolutions the bf16 form runs in bfloat16 (<see cref="ConvolutionShape.InBfloat16"/>).</param>
    /// <param name="cpuHasBf16">Whether the CPU has bf16 instructions that oneDNN may use (<see cref="Inference.CpuFeatures.HasBf16"/>):
    /// without them oneDNN's bfloat16 path converts through float32, many times slower than float32
    /// kernels over bfloat16's numbers (measured in <see cref="Inference.CpuFeatures.IsaCapAllowsBf16"/>).</param>
    public static string? Bf16KernelsRefusal(IEnumerable<ConvolutionShape> shapes, bool cpuHasBf16)
    {
        lock (Gate)
        {
            NnpackSwitch.Disable();
            return Bf16Checks.Refusal(shapes, cpuHasBf16);
        }
    }

    private static ConvolutionCheckResult Merge(ConvolutionCheckResult? before, ConvolutionCheckResult now) =>
        before is null ? now : new ConvolutionCheckResult(
            before.Passed && now.Passed,
            before.Shapes + now.Shapes,
            now.WorstRelativeError > before.WorstRelativeError ? now.Worst : before.Worst,
            Math.Max(before.WorstRelativeError, now.WorstRelativeError),
            before.Elapsed + now.Elapsed);
}
