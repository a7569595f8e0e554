using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Native;

/// <summary>
/// The VapourSynth plugin (libseranet_vs.so) in a stand-in host, tests/native/fake_vapoursynth_host.c:
/// VapourSynth is not packaged for Debian 12, so this checks the plugin against the part of API 4
/// it calls, not against the real core.
/// </summary>
[Trait("Category", "Integration")]
public class VapourSynthPluginTests
{
    private const int Width = 97, Height = 71, Frames = 2;

    [Fact]
    public void The_plugin_registers_upscales_frames_to_the_engines_pixels_and_reports_errors()
    {
        using var temp = new TempFolder();
        string input = temp.File("in.yuv"), output = temp.File("out.yuv");
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "baboon.png");
        Processes.Ffmpeg("-i", photo, "-filter_complex", $"[0]scale={Width}:{Height},split[a][b];[b]vflip[m];[a][m]concat=n=2",
            "-pix_fmt", "yuv420p", "-f", "rawvideo", input);
        string host = NativePlugins.CompileC(temp, "fake_vapoursynth_host", [Path.Combine(RepoPaths.Root, "tests", "native", "fake_vapoursynth_host.c")],
            "-I", Path.Combine(RepoPaths.Root, "src", "Hosts", "VapourSynth"));

        var run = Processes.Run(host, [Path.Combine(NativePlugins.Folder, "libseranet_vs.so"), $"{Width}", $"{Height}", $"{Frames}", input, output],
            environment: null, TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, $"the stand-in host failed ({run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
        string[] lines = run.Stdout.Split('\n');
        Assert.Contains("config video.seranet seranet SeRanet super-resolution upscaling api 4.0", lines);
        Assert.Contains("registered Upscale clip:vnode;model:data:opt;scale:float:opt;tile:int:opt;device:data:opt; clip:vnode;", lines);
        // YUV (3), 8 bits, 4:2:0 kept, both frames, parallel requests (1).
        Assert.Contains($"output {2 * Width} {2 * Height} 3 8 1 1 {Frames} 1", lines);
        Assert.Contains("bad model: Upscale: Model file not found: /nonexistent/model.srnv", lines);
        Assert.Contains(lines, line => line.StartsWith("float clip: Upscale: the clip must have 8 to 16-bit integer samples", StringComparison.Ordinal));

        // Frames without _ColorRange or _ChromaLocation: limited range, left siting (VapourSynth's defaults).
        var format = new PlaneFormat(PlaneLayout.Yuv420) { Range = ColorRange.Limited, Siting = ChromaSiting.Left };
        int inBytes = format.FrameBytes(Width, Height), outBytes = format.FrameBytes(2 * Width, 2 * Height);
        byte[] source = File.ReadAllBytes(input), actual = File.ReadAllBytes(output);
        Assert.Equal(Frames * outBytes, actual.Length);
        using var engine = PlanarUpscaler.Open(new ModelChoice(null, DeviceChoice.Cpu, new UpscaleOptions()));
        for (int i = 0; i < Frames; i++)
        {
            byte[] expected = new byte[outBytes];
            engine.Upscale(PlanarImage.Packed(Width, Height, format, source.AsMemory(i * inBytes, inBytes)), PlanarImage.Packed(2 * Width, 2 * Height, format, expected));
            int differing = expected.Zip(actual.Skip(i * outBytes), (a, b) => a == b ? 0 : 1).Sum();
            Assert.True(differing == 0, $"frame {i}: {differing} of {outBytes} samples differ from the engine's");
        }
    }
}
