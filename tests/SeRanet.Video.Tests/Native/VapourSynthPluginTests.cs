using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;

namespace SeRanet.Video.Tests.Native;

/// <summary>
/// The VapourSynth plugin (libseranet_vs.so) in a stand-in host, tests/native/fake_vapoursynth_host.c:
/// VapourSynth is not packaged for Debian 12, so this checks the plugin against the part of API 4
/// it calls, not against the real core. Pixels are compared with <c>seranet filter</c> on the same
/// frames as y4m, whose header says the range and siting the frame properties said.
/// </summary>
[Trait("Category", "Integration")]
public class VapourSynthPluginTests
{
    // Six frames at the default batch of 4: one batch of four, then one of the last two.
    private const int Width = 97, Height = 71, Frames = 6;

    private static readonly int InBytes = Width * Height + 2 * ((Width + 1) / 2) * ((Height + 1) / 2);
    private static readonly int OutBytes = 4 * Width * Height + 2 * Width * Height;

    [Fact]
    public void The_plugin_registers_batches_frames_reads_frame_properties_takes_float_clips_and_reports_errors()
    {
        using var temp = new TempFolder();

        var (run, input, outputs) = RunHost(temp, environment: null);

        string[] lines = run.Stdout.Split('\n');
        Assert.Contains("config video.seranet seranet SeRanet super-resolution upscaling version 0.3 api 4.0", lines);
        Assert.Contains("registered Upscale clip:vnode;model:data:opt;scale:float:opt;tile:int:opt;device:data:opt;batch:int:opt;precision:data:opt;tta:int:opt; clip:vnode;", lines);
        Assert.Contains("bad model: Upscale: Model file not found: /nonexistent/model.srnv", lines);
        Assert.Contains(lines, line => line.StartsWith("half clip: Upscale: the clip must have 8 to 16-bit integer or 32-bit float samples", StringComparison.Ordinal));
        Assert.Contains("bad batch: Upscale: batch must be 1 to 64 frames, not 0.", lines);
        Assert.Contains("bad precision: Upscale: precision must be \"fp32\" or \"bf16\".", lines);
        Assert.Contains($"plain opens precision {NativePlugins.PrecisionFp32} tta 0", lines);
        Assert.Contains($"bf16 opens precision {NativePlugins.PrecisionBf16} tta 0", lines);
        Assert.Contains($"tta opens precision {NativePlugins.PrecisionFp32} tta 1", lines);
        Assert.DoesNotContain(lines, line => line.Contains("without being requested", StringComparison.Ordinal));
        // libseranet's warnings reach VapourSynth's log as warnings (2), each logged by the call that opened its upscaler.
        var bf16Warnings = NativePlugins.EngineWarnings(InferencePrecision.Bf16);
        Assert.Equal(NativePlugins.ExpectedWarnings([NativePlugins.EngineWarnings(InferencePrecision.Fp32), bf16Warnings]), NativePlugins.PrintedWarnings(run.Stdout, "log 2 Upscale: "));
        Assert.DoesNotContain(lines, line => line.StartsWith("log ", StringComparison.Ordinal) && !line.StartsWith("log 2 Upscale: ", StringComparison.Ordinal));
        if (bf16Warnings.Count > 0)
        {
            int opened = Array.IndexOf(lines, $"bf16 opens precision {NativePlugins.PrecisionBf16} tta 0");
            Assert.StartsWith($"log 2 Upscale: {NativePlugins.Comparable(bf16Warnings[^1])}", lines[opened - 1], StringComparison.Ordinal);
        }

        // YUV (3), integer (0) 8 bits or float (1) 32 bits, 4:2:0 kept, all frames, parallel requests (1).
        Assert.Contains($"int output {2 * Width} {2 * Height} 3 0 8 1 1 {Frames} 1", lines);
        Assert.Contains($"float output {2 * Width} {2 * Height} 3 1 32 1 1 {Frames} 1", lines);
        // All six frames went through seranet_process_batch in two calls, four frames in the first; none one by one.
        Assert.Contains($"int calls 2 {Frames} 4 0", lines);
        Assert.Contains($"props calls 2 {Frames} 4 0", lines);
        Assert.Contains($"float calls 2 {Frames} 4 0", lines);
        Assert.Contains("top frame 0 error: Upscale: frame 0: _ChromaLocation 3 (top) is not supported for 4:2:0; use left (0), center (1) or top-left (2).", lines);
        Assert.Contains(lines, line => line.StartsWith("top frame 1 error: Upscale: frame 1: in its batch, frame 0: _ChromaLocation 3 (top)", StringComparison.Ordinal));
        Assert.Contains("top calls 0 0 0 0", lines);

        byte[] source = File.ReadAllBytes(input);
        // Without frame properties: VapourSynth's defaults, limited range and left (MPEG-2) siting.
        AssertSameBytes(Filter(temp, "int", "C420mpeg2", source), File.ReadAllBytes(Path.Combine(outputs, "int.yuv")), "int");
        // _ColorRange 0 and _ChromaLocation 1: full range, centred chroma.
        AssertSameBytes(Filter(temp, "props", "C420jpeg XCOLORRANGE=FULL", source), File.ReadAllBytes(Path.Combine(outputs, "props.yuv")), "props");

        // Float (Y (v-16)/219, chroma (v-128)/224) is exactly 16-bit limited range with codes v << 8: the filter's C420p16 frames, as floats.
        byte[] deep = new byte[source.Length * 2];
        for (int i = 0; i < source.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(deep.AsSpan(2 * i), (ushort)(source[i] << 8));
        }
        byte[] filtered16 = Filter(temp, "float", "C420p16", deep);
        float[] actual = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(outputs, "float.f32"))).ToArray();
        Assert.Equal(Frames * OutBytes, actual.Length);
        Assert.Equal(actual.Length * 2, filtered16.Length);
        int lumaSamples = 4 * Width * Height, worst = 0;
        double worstError = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            bool luma = i % OutBytes < lumaSamples;
            int code = BinaryPrimitives.ReadUInt16LittleEndian(filtered16.AsSpan(2 * i));
            float expected = luma ? (code - 4096) / 56064f : (code - 32768) / 57344f;
            double error = Math.Abs(expected - actual[i]);
            (worst, worstError) = error > worstError ? (i, error) : (worst, worstError);
        }
        Assert.True(worstError < 1e-6, $"float sample {worst} is {actual[worst]}, {worstError} from seranet filter's 16-bit result");
        // And in VapourSynth's terms: luma mostly within [0, 1], chroma within [-0.5, 0.5].
        Assert.InRange(actual.Take(lumaSamples).Average(), 0.2, 0.8);
        Assert.InRange(actual.Skip(lumaSamples).Take(OutBytes - lumaSamples).Average(), -0.2, 0.2);
    }

    [Fact]
    public void Bf16_on_float32_kernels_is_logged_as_a_warning()
    {
        using var temp = new TempFolder();

        var (run, _, _) = RunHost(temp, NativePlugins.WithoutBf16Kernels());

        string[] lines = run.Stdout.Split('\n');
        int opened = Array.IndexOf(lines, $"bf16 opens precision {NativePlugins.PrecisionBf16} tta 0");
        Assert.True(opened > 0, run.Stdout);
        Assert.StartsWith($"log 2 Upscale: bf16 runs on float32 kernels here ({Bf16KernelChecks.NoBf16Instructions})", lines[opened - 1], StringComparison.Ordinal);
    }

    /// <summary>Six different frames of a real photo, packed YUV420P8: a window moving across it.</summary>
    private static void WriteFrames(string path)
    {
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "baboon.png");
        Processes.Ffmpeg("-loop", "1", "-i", photo, "-vf", $"crop=iw-40:ih-30:8*n:5*n,scale={Width}:{Height}", "-frames:v", $"{Frames}",
            "-pix_fmt", "yuv420p", "-f", "rawvideo", path);
    }

    /// <summary>
    /// Builds the stand-in host and runs it on the plugin, <c>fake_vapoursynth_host PLUGIN.so WIDTH HEIGHT
    /// FRAMES IN.yuv OUTDIR</c>, with <see cref="WriteFrames"/> as its input; fails unless the host succeeds.
    /// </summary>
    private static (Processes.Result Run, string Input, string Outputs) RunHost(TempFolder temp, IReadOnlyDictionary<string, string>? environment)
    {
        string input = temp.File("in.yuv"), outputs = temp.File("out");
        Directory.CreateDirectory(outputs);
        WriteFrames(input);
        string host = NativePlugins.CompileC(temp, "fake_vapoursynth_host", [Path.Combine(RepoPaths.Root, "tests", "native", "fake_vapoursynth_host.c")],
            "-rdynamic", "-I", Path.Combine(RepoPaths.Root, "src", "Hosts", "VapourSynth"));
        var run = Processes.Run(host, [Path.Combine(NativePlugins.Folder, "libseranet_vs.so"), $"{Width}", $"{Height}", $"{Frames}", input, outputs],
            environment, TimeSpan.FromMinutes(10));
        Assert.True(run.ExitCode == 0, $"the stand-in host failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
        return (run, input, outputs);
    }

    /// <summary>seranet filter on the raw frames behind a y4m header with the given colour tags; the output's frames, packed.</summary>
    private static byte[] Filter(TempFolder temp, string name, string colour, byte[] frames)
    {
        string y4m = temp.File(name + ".y4m"), filtered = temp.File(name + ".out.y4m");
        int frameBytes = frames.Length / Frames;
        using (var file = File.Create(y4m))
        {
            file.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{Width} H{Height} F25:1 Ip A1:1 {colour}\n"));
            for (int i = 0; i < Frames; i++)
            {
                file.Write("FRAME\n"u8);
                file.Write(frames, i * frameBytes, frameBytes);
            }
        }
        var filter = Processes.Run("bash", ["-c", "dotnet \"$0\" filter < \"$1\" > \"$2\"", RepoPaths.CliDll, y4m, filtered], environment: null, TimeSpan.FromMinutes(10));
        Assert.True(filter.ExitCode == 0, $"seranet filter failed:\n{filter.Stderr}");
        byte[] bytes = File.ReadAllBytes(filtered);
        int at = Array.IndexOf(bytes, (byte)'\n') + 1;
        Assert.Contains($"W{2 * Width} H{2 * Height}", Encoding.ASCII.GetString(bytes, 0, at), StringComparison.Ordinal);
        using var packed = new MemoryStream();
        while (at < bytes.Length)
        {
            at = Array.IndexOf(bytes, (byte)'\n', at) + 1;
            int outFrameBytes = OutBytes * (frameBytes / InBytes);
            packed.Write(bytes, at, outFrameBytes);
            at += outFrameBytes;
        }
        return packed.ToArray();
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string name)
    {
        Assert.Equal(Frames * OutBytes, actual.Length);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < Frames; i++)
        {
            int differing = expected.AsSpan(i * OutBytes, OutBytes).ToArray().Zip(actual.AsSpan(i * OutBytes, OutBytes).ToArray(), (a, b) => a == b ? 0 : 1).Sum();
            Assert.True(differing == 0, $"{name} frame {i}: {differing} of {OutBytes} samples differ from seranet filter's");
        }
    }
}
