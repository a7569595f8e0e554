using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;

namespace SeRanet.Video.Tests.Support;

/// <summary>
/// artifacts/plugins, built once per test run by scripts/build-plugins.sh (which skips the work
/// when its sources have not changed), and C programs compiled against it.
/// </summary>
public static class NativePlugins
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The folder holding libseranet.so, libtorch and the plugins.</summary>
    public static string Folder => Built.Value;

    public static string Header => Path.Combine(RepoPaths.Root, "include", "seranet.h");

    /// <summary>seranet.h's SERANET_PRECISION_FP32 and SERANET_PRECISION_BF16, as the stand-in hosts print them.</summary>
    public const int PrecisionFp32 = 0, PrecisionBf16 = 1;

    /// <summary>
    /// A host's environment in which oneDNN may not use bfloat16 instructions (as on an AVX2 CPU), so
    /// that bf16 runs on float32 kernels and says so on every CPU.
    /// </summary>
    public static Dictionary<string, string> WithoutBf16Kernels(Dictionary<string, string>? environment = null) =>
        new(environment ?? []) { ["ONEDNN_MAX_CPU_ISA"] = "AVX2" };

    /// <summary>What a host is told about the engine's default model at this precision, on this CPU (<see cref="PlanarUpscaler.Warnings"/>).</summary>
    public static IReadOnlyList<string> EngineWarnings(InferencePrecision precision)
    {
        using var engine = PlanarUpscaler.Open(new ModelChoice(null, DeviceChoice.Cpu, new UpscaleOptions { Precision = precision }));
        return engine.Warnings;
    }

    /// <summary>
    /// A warning as two processes agree on it: the safe-path line goes on to name what its process
    /// happened to check first, so only its opening is compared.
    /// </summary>
    public static string Comparable(string warning) =>
        ConvolutionGuardReport.IsSafePathWarning(warning) ? ConvolutionGuardReport.SafePathOpening : warning;

    /// <summary>The warnings a host printed, each line after <paramref name="prefix"/>, <see cref="Comparable"/>, once each, in order.</summary>
    public static IEnumerable<string> PrintedWarnings(string output, string prefix) =>
        output.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Select(line => Comparable(line[prefix.Length..])).Distinct().Order(StringComparer.Ordinal);

    /// <summary>What hosts are told for the engine's default model at these precisions, <see cref="Comparable"/>, once each, in order.</summary>
    public static IEnumerable<string> ExpectedWarnings(params InferencePrecision[] precisions) =>
        ExpectedWarnings(precisions.Select(EngineWarnings));

    /// <summary>These upscalers' warnings as <see cref="PrintedWarnings"/> reads a host's: <see cref="Comparable"/>, once each, in order.</summary>
    public static IEnumerable<string> ExpectedWarnings(IEnumerable<IReadOnlyList<string>> warnings) =>
        warnings.SelectMany(w => w).Select(Comparable).Distinct().Order(StringComparer.Ordinal);

    private static string Build()
    {
        var result = Processes.Run(Path.Combine(RepoPaths.Root, "scripts", "build-plugins.sh"), [], environment: null, TimeSpan.FromMinutes(30));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/build-plugins.sh failed:\n{result.Stdout}\n{result.Stderr}");
        }
        return Path.Combine(RepoPaths.Root, "artifacts", "plugins");
    }

    /// <summary>Compiles C sources against include/seranet.h and libseranet into an executable in <paramref name="folder"/>.</summary>
    public static string CompileC(TempFolder folder, string name, IReadOnlyList<string> sources, params string[] options)
    {
        string output = folder.File(name);
        var result = Processes.Run("gcc", ["-std=c11", "-D_GNU_SOURCE", "-O1", "-Wall", "-Wextra", "-Werror", "-I", Path.Combine(RepoPaths.Root, "include"),
            .. options, "-o", output, .. sources, "-L", Folder, "-lseranet", "-Wl,-rpath," + Folder, "-ldl"], environment: null, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"gcc failed:\n{result.Stderr}");
        return output;
    }
}
