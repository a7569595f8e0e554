using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;

namespace SeRanet.Video.Tests.Native;

/// <summary>
/// The AviSynth+ C plugin (libseranet_avs.so) in a stand-in host, tests/native/fake_avisynth_host.c:
/// AviSynth+ is not packaged for Debian 12, so this checks the plugin against the subset of the C
/// interface it calls, not against the real host.
/// </summary>
[Trait("Category", "Integration")]
public class AviSynthPluginTests
{
    private const int Width = 97, Height = 71, Frames = 2;

    // AviSynth+'s pixel type for YV12 (planar, YUV, V plane first, 8 bits), as the host prints it.
    private const int Yv12 = unchecked((int)0xA0000008);

    [Fact]
    public void The_plugin_registers_reads_frame_properties_upscales_frames_to_the_engines_pixels_and_reports_errors()
    {
        using var temp = new TempFolder();
        string input = temp.File("in.yuv"), output = temp.File("out.yuv"), withProps = temp.File("props.yuv");
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        // Two different frames: the photo, then its mirror.
        Processes.Ffmpeg("-i", photo, "-filter_complex", $"[0]scale={Width}:{Height},split[a][b];[b]hflip[m];[a][m]concat=n=2",
            "-pix_fmt", "yuv420p", "-f", "rawvideo", input);

        var run = RunHost(temp, input, output, withProps, environment: null);

        Assert.True(run.ExitCode == 0, $"the stand-in host failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
        string[] lines = run.Stdout.Split('\n');
        Assert.Contains("registered SeRanetUpscale c[model]s[tile]i[scale]f[device]s[precision]s[tta]b", lines);
        Assert.Contains($"output {2 * Width} {2 * Height} {Yv12} {Frames}", lines);
        Assert.Contains("bad model: SeRanetUpscale: Model file not found: /nonexistent/model.srnv", lines);
        Assert.Contains("bad precision: SeRanetUpscale: precision must be \"fp32\" or \"bf16\".", lines);
        Assert.Contains($"plain opens precision {NativePlugins.PrecisionFp32} tta 0", lines);
        Assert.Contains($"bf16 opens precision {NativePlugins.PrecisionBf16} tta 0", lines);
        Assert.Contains($"tta opens precision {NativePlugins.PrecisionFp32} tta 1", lines);
        Assert.Contains(lines, line => line.StartsWith("float clip: SeRanetUpscale: the clip must be planar", StringComparison.Ordinal));
        // AviSynth's C interface has no log: libseranet's warnings go to standard error.
        Assert.Equal(NativePlugins.ExpectedWarnings(InferencePrecision.Fp32, InferencePrecision.Bf16), NativePlugins.PrintedWarnings(run.Stderr, WarningPrefix));

        // Frame properties are read per frame and kept on the output frames; top siting on 4:2:0 is refused.
        Assert.Contains("props output: _ColorRange=0 _ChromaLocation=1", lines);
        Assert.Contains("top frame 0 error: SeRanetUpscale: frame 0: _ChromaLocation 3 (top) is not supported for 4:2:0; use left (0), center (1) or top-left (2).", lines);

        using var engine = PlanarUpscaler.Open(new ModelChoice(null, DeviceChoice.Cpu, new UpscaleOptions()));
        byte[] source = File.ReadAllBytes(input);
        // Without frame properties: limited range, MPEG-2 (left) siting.
        AssertEnginePixels(engine, source, File.ReadAllBytes(output), new PlaneFormat(PlaneLayout.Yuv420) { Range = ColorRange.Limited, Siting = ChromaSiting.Left });
        // _ColorRange 0 and _ChromaLocation 1: full range, centred chroma.
        AssertEnginePixels(engine, source, File.ReadAllBytes(withProps), new PlaneFormat(PlaneLayout.Yuv420) { Range = ColorRange.Full, Siting = ChromaSiting.Center });
    }

    [Fact]
    public void Bf16_on_float32_kernels_is_a_warning_on_standard_error()
    {
        using var temp = new TempFolder();
        string input = temp.File("in.yuv"), output = temp.File("out.yuv"), withProps = temp.File("props.yuv");
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        Processes.Ffmpeg("-loop", "1", "-i", photo, "-vf", $"scale={Width}:{Height}", "-frames:v", $"{Frames}", "-pix_fmt", "yuv420p", "-f", "rawvideo", input);

        var run = RunHost(temp, input, output, withProps, NativePlugins.WithoutBf16Kernels());

        Assert.True(run.ExitCode == 0, $"the stand-in host failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains($"bf16 runs on float32 kernels here ({Bf16KernelChecks.NoBf16Instructions})", string.Join('\n', NativePlugins.PrintedWarnings(run.Stderr, WarningPrefix)), StringComparison.Ordinal);
    }

    private const string WarningPrefix = "SeRanetUpscale: warning: ";

    /// <summary>Builds the stand-in host and runs it on the plugin: <c>fake_avisynth_host PLUGIN.so WIDTH HEIGHT FRAMES IN.yuv OUT.yuv PROPS.yuv</c>.</summary>
    private static Processes.Result RunHost(TempFolder temp, string input, string output, string withProps, IReadOnlyDictionary<string, string>? environment)
    {
        string host = NativePlugins.CompileC(temp, "fake_avisynth_host", [Path.Combine(RepoPaths.Root, "tests", "native", "fake_avisynth_host.c")],
            "-rdynamic", "-I", Path.Combine(RepoPaths.Root, "src", "Hosts", "AviSynth"));
        return Processes.Run(host, [Path.Combine(NativePlugins.Folder, "libseranet_avs.so"), $"{Width}", $"{Height}", $"{Frames}", input, output, withProps],
            environment, TimeSpan.FromMinutes(5));
    }

    private static void AssertEnginePixels(PlanarUpscaler engine, byte[] source, byte[] actual, PlaneFormat format)
    {
        int inBytes = format.FrameBytes(Width, Height), outBytes = format.FrameBytes(2 * Width, 2 * Height);
        Assert.Equal(Frames * outBytes, actual.Length);
        for (int i = 0; i < Frames; i++)
        {
            byte[] expected = new byte[outBytes];
            engine.Upscale(PlanarImage.Packed(Width, Height, format, source.AsMemory(i * inBytes, inBytes)), PlanarImage.Packed(2 * Width, 2 * Height, format, expected));
            int differing = expected.Zip(actual.Skip(i * outBytes), (a, b) => a == b ? 0 : 1).Sum();
            Assert.True(differing == 0, $"{format}: frame {i}: {differing} of {outBytes} samples differ from the engine's");
        }
    }
}
