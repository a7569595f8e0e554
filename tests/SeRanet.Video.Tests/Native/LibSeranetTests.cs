using System.Text.RegularExpressions;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;

namespace SeRanet.Video.Tests.Native;

/// <summary>
/// libseranet as a C program sees it: built by scripts/build-plugins.sh (NativeAOT), called
/// through include/seranet.h from a program gcc compiles, and compared with the engine's planar
/// API run in this process on the same frame.
/// </summary>
[Trait("Category", "Integration")]
public partial class LibSeranetTests
{
    // NativeAOT's runtime exports this one data symbol for debuggers (dotnet-dump, lldb's SOS).
    private const string RuntimeDebugHeader = "DotNetRuntimeDebugHeader";

    [GeneratedRegex(@"^\s*(?:const\s+)?\w+\s*\*?\s*(seranet_\w+)\s*\(", RegexOptions.Multiline)]
    private static partial Regex HeaderFunction();

    [Fact]
    public void The_library_exports_the_functions_of_the_header_and_nothing_else()
    {
        string library = Path.Combine(NativePlugins.Folder, "libseranet.so");
        var nm = Processes.Run("nm", ["-D", "--defined-only", library], environment: null, TimeSpan.FromMinutes(1));
        Assert.Equal(0, nm.ExitCode);
        // Lines are "ADDRESS TYPE NAME@@VERSION"; the absolute version-node symbol has no address worth keeping.
        var exported = nm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 3 && fields[1] != "A")
            .Select(fields => fields[2].Split('@')[0])
            .ToHashSet(StringComparer.Ordinal);
        var declared = HeaderFunction().Matches(File.ReadAllText(NativePlugins.Header)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(10, declared.Count);
        Assert.Equal(declared.Append(RuntimeDebugHeader).Order(StringComparer.Ordinal), exported.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(InferencePrecision.Fp32, false)]
    [InlineData(InferencePrecision.Bf16, false)]
    [InlineData(InferencePrecision.Fp32, true)]
    public void A_C_program_upscales_a_photo_frame_to_the_engines_pixels(InferencePrecision precision, bool tta)
    {
        // Odd sizes: chroma planes round up, and the program pads every row.
        const int width = 97, height = 71;
        using var temp = new TempFolder();

        var (run, input, output) = UpscaleFrame(temp, width, height, [precision.Name(), tta ? "tta" : "plain"], environment: null);

        Assert.True(run.ExitCode == 0, $"upscale_frame failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains($"ok: {width}x{height} -> {2 * width}x{2 * height}", run.Stdout, StringComparison.Ordinal);
        var format = new PlaneFormat(PlaneLayout.Yuv420) { Range = ColorRange.Limited, Matrix = YuvMatrix.Bt709, Siting = ChromaSiting.Center };
        byte[] expected = new byte[format.FrameBytes(2 * width, 2 * height)];
        using (var engine = PlanarUpscaler.Open(new ModelChoice(null, DeviceChoice.Cpu, new UpscaleOptions { Precision = precision, SelfEnsemble = tta })))
        {
            engine.Upscale(PlanarImage.Packed(width, height, format, File.ReadAllBytes(input)), PlanarImage.Packed(2 * width, 2 * height, format, expected));
            Assert.Equal(engine.Warnings.Select(NativePlugins.Comparable).Distinct().Order(StringComparer.Ordinal), NativePlugins.PrintedWarnings(run.Stdout, "warning: "));
        }
        byte[] actual = File.ReadAllBytes(output);
        Assert.Equal(expected.Length, actual.Length);
        int differing = expected.Zip(actual, (a, b) => a == b ? 0 : 1).Sum();
        Assert.True(differing == 0, $"{differing} of {expected.Length} samples differ from the engine's");
    }

    [Fact]
    public void A_C_program_is_told_when_bf16_runs_on_float32_kernels()
    {
        using var temp = new TempFolder();

        var (run, _, _) = UpscaleFrame(temp, 64, 48, ["bf16", "plain"], NativePlugins.WithoutBf16Kernels());

        Assert.True(run.ExitCode == 0, $"upscale_frame failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains(Lines(run.Stdout), line => line.StartsWith($"warning: bf16 runs on float32 kernels here ({Bf16KernelChecks.NoBf16Instructions})", StringComparison.Ordinal));
    }

    /// <summary>tests/native/upscale_frame.c, compiled against the header, on a frame of a real photo at this size.</summary>
    /// <param name="options">The program's precision and TTA arguments.</param>
    private static (Processes.Result Run, string Input, string Output) UpscaleFrame(TempFolder temp, int width, int height, string[] options,
        IReadOnlyDictionary<string, string>? environment)
    {
        string input = temp.File("in.yuv"), output = temp.File("out.yuv");
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        Processes.Ffmpeg("-i", photo, "-vf", $"scale={width}:{height}:flags=area", "-pix_fmt", "yuv420p", "-f", "rawvideo", input);
        // It prints the warnings with the hosts' own line splitter.
        string program = NativePlugins.CompileC(temp, "upscale_frame", [Path.Combine(RepoPaths.Root, "tests", "native", "upscale_frame.c")],
            "-I", Path.Combine(RepoPaths.Root, "src", "Hosts", "Common"));
        var run = Processes.Run(program, [$"{width}", $"{height}", input, output, .. options], environment, TimeSpan.FromMinutes(5));
        return (run, input, output);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
