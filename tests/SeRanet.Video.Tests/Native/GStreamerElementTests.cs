using System.Text;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;

namespace SeRanet.Video.Tests.Native;

/// <summary>
/// The seranetupscale element in the real GStreamer 1.22 host (scripts/ensure-gstreamer.sh):
/// found through GST_PLUGIN_PATH, run by gst-launch-1.0 between videotestsrc and y4menc, and
/// compared frame by frame with the engine's planar API and with <c>seranet filter</c> on the same input.
/// </summary>
[Trait("Category", "Integration")]
public class GStreamerElementTests
{
    private const string Caps = "video/x-raw,format=I420,width=320,height=180";

    private static Dictionary<string, string> Host() => new()
    {
        ["GST_PLUGIN_PATH"] = NativePlugins.Folder,
        // A registry of its own: the user's cache must neither hide nor keep a stale copy of the plugin.
        ["GST_REGISTRY"] = Path.Combine(RepoPaths.Root, "artifacts", "obj", "gst-registry.bin"),
    };

    private static Processes.Result Launch(params string[] pipeline) =>
        Processes.Run("gst-launch-1.0", ["-q", .. pipeline], Host(), TimeSpan.FromMinutes(10));

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Gst_inspect_finds_the_element_with_its_properties_and_formats()
    {
        var result = Processes.Run("gst-inspect-1.0", ["seranetupscale"], Host(), TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.Output);
        foreach (string expected in new[] { "seranetupscale", "libgstseranet.so", "GstVideoFilter", "I420", "Y42B", "Y444", "GRAY8", "I420_10LE" })
        {
            Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
        }
        foreach (string property in new[] { "model", "scale", "tile", "device", "precision", "tta" })
        {
            Assert.Matches($@"(?m)^\s+{property}\s+:", result.Stdout);
        }
    }

    [Fact]
    public void A_pipeline_upscales_frames_to_the_engines_pixels()
    {
        using var temp = new TempFolder();
        string source = temp.File("in.y4m"), upscaled = temp.File("g.y4m");
        var made = Launch("videotestsrc", "num-buffers=10", "!", Caps, "!", "y4menc", "!", "filesink", $"location={source}");
        Assert.True(made.ExitCode == 0, made.Stderr);

        var run = Launch("videotestsrc", "num-buffers=10", "!", Caps, "!", "seranetupscale", "!", "y4menc", "!", "filesink", $"location={upscaled}");

        Assert.True(run.ExitCode == 0, $"gst-launch failed:\n{run.Stdout}\n{run.Stderr}");
        var (inHeader, inFrames) = Y4mFile.Read(source);
        var (outHeader, outFrames) = Y4mFile.Read(upscaled);
        Assert.Contains("W320 H180", inHeader, StringComparison.Ordinal);
        Assert.Contains("W640 H360", outHeader, StringComparison.Ordinal);
        Assert.Equal(10, outFrames.Count);
        // y4menc writes "C420": centred chroma, and without a range tag, video (limited) range.
        var format = new PlaneFormat(PlaneLayout.Yuv420) { Range = ColorRange.Limited, Siting = ChromaSiting.Center };
        using var engine = PlanarUpscaler.Open(new ModelChoice(null, DeviceChoice.Cpu, new UpscaleOptions()));
        for (int i = 0; i < inFrames.Count; i++)
        {
            byte[] expected = new byte[outFrames[i].Length];
            engine.Upscale(PlanarImage.Packed(320, 180, format, inFrames[i]), PlanarImage.Packed(640, 360, format, expected));
            int differing = expected.Zip(outFrames[i], (a, b) => a == b ? 0 : 1).Sum();
            Assert.True(differing == 0, $"frame {i}: {differing} of {expected.Length} samples differ from the engine's");
        }
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("precision=bf16", "--precision bf16")]
    [InlineData("tta=true", "--tta")]
    public void A_pipeline_gives_the_frames_of_seranet_filter_on_the_same_y4m(string properties, string filterOptions)
    {
        using var temp = new TempFolder();
        string source = temp.File("same.y4m"), upscaled = temp.File("g.y4m"), filtered = temp.File("f.y4m");
        Assert.Equal(0, Launch("videotestsrc", "num-buffers=10", "!", Caps, "!", "y4menc", "!", "filesink", $"location={source}").ExitCode);
        var run = Launch(["videotestsrc", "num-buffers=10", "!", Caps, "!", "seranetupscale", .. Words(properties), "!", "y4menc", "!", "filesink", $"location={upscaled}"]);
        Assert.True(run.ExitCode == 0, $"gst-launch failed:\n{run.Stderr}");

        var filter = Processes.Run("bash", ["-c", $"dotnet \"$0\" filter {filterOptions} < \"$1\" > \"$2\"", RepoPaths.CliDll, source, filtered], environment: null, TimeSpan.FromMinutes(10));

        Assert.True(filter.ExitCode == 0, $"seranet filter failed:\n{filter.Stderr}");
        var (_, expected) = Y4mFile.Read(filtered);
        var (_, actual) = Y4mFile.Read(upscaled);
        Assert.Equal(10, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"frame {i} differs from seranet filter's");
        }
    }

    [Fact]
    public void A_10_bit_pipeline_gives_the_frames_of_seranet_filter_on_the_same_10_bit_y4m()
    {
        // y4menc in GStreamer 1.22 takes 8-bit formats only, so the element's 10-bit output goes raw to a file.
        const string deepCaps = "video/x-raw,format=I420_10LE,width=320,height=180";
        using var temp = new TempFolder();
        string source = temp.File("in.raw"), upscaled = temp.File("g.raw"), y4m = temp.File("same.y4m"), filtered = temp.File("f.y4m");
        var made = Launch("videotestsrc", "num-buffers=10", "!", deepCaps, "!", "filesink", $"location={source}");
        Assert.True(made.ExitCode == 0, made.Stderr);
        var run = Launch("videotestsrc", "num-buffers=10", "!", deepCaps, "!", "seranetupscale", "!", "filesink", $"location={upscaled}");
        Assert.True(run.ExitCode == 0, $"gst-launch failed:\n{run.Stdout}\n{run.Stderr}");

        // The same frames as a 10-bit y4m: C420p10 is centred chroma and, without a range tag, limited range, as the caps say.
        var format = new PlaneFormat(PlaneLayout.Yuv420, 10);
        int inBytes = format.FrameBytes(320, 180), outBytes = format.FrameBytes(640, 360);
        byte[] raw = File.ReadAllBytes(source);
        Assert.Equal(10 * inBytes, raw.Length);
        using (var file = File.Create(y4m))
        {
            file.Write("YUV4MPEG2 W320 H180 F30:1 Ip A1:1 C420p10\n"u8);
            for (int i = 0; i < 10; i++)
            {
                file.Write("FRAME\n"u8);
                file.Write(raw, i * inBytes, inBytes);
            }
        }
        var filter = Processes.Run("bash", ["-c", "dotnet \"$0\" filter < \"$1\" > \"$2\"", RepoPaths.CliDll, y4m, filtered], environment: null, TimeSpan.FromMinutes(10));
        Assert.True(filter.ExitCode == 0, $"seranet filter failed:\n{filter.Stderr}");

        var (header, expected) = Y4mFile.Read(filtered, format);
        Assert.Contains("W640 H360", header, StringComparison.Ordinal);
        Assert.Contains("C420p10", header, StringComparison.Ordinal);
        byte[] actual = File.ReadAllBytes(upscaled);
        Assert.Equal(10, expected.Count);
        Assert.Equal(10 * outBytes, actual.Length);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].AsSpan().SequenceEqual(actual.AsSpan(i * outBytes, outBytes)), $"10-bit frame {i} differs from seranet filter's");
        }
        // Really 10-bit: codes above 255 and none above 1023.
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(actual.AsSpan());
        Assert.True(samples.IndexOfAnyInRange((ushort)256, (ushort)1023) >= 0, "no 10-bit codes in the output");
        Assert.True(samples.IndexOfAnyInRange((ushort)1024, ushort.MaxValue) < 0, "codes above 1023 in 10-bit output");
    }

    [Fact]
    public void A_bad_model_path_stops_the_pipeline_with_the_engines_message()
    {
        using var temp = new TempFolder();
        string missing = temp.File("missing.srnv");

        var run = Launch("videotestsrc", "num-buffers=2", "!", Caps, "!", "seranetupscale", $"model={missing}", "!", "fakesink");

        Assert.NotEqual(0, run.ExitCode);
        string said = run.Output;
        Assert.Contains("seranetupscale", said, StringComparison.Ordinal);
        Assert.Contains(missing, said, StringComparison.Ordinal);
    }

    [Fact]
    public void Bf16_on_float32_kernels_is_a_bus_warning_that_gst_launch_prints()
    {
        // Not quiet: gst-launch-1.0 -q prints errors but not warnings.
        string[] pipeline = ["videotestsrc", "num-buffers=2", "!", Caps, "!", "seranetupscale", "precision=bf16", "!", "fakesink"];

        var slower = Processes.Run("gst-launch-1.0", pipeline, NativePlugins.WithoutBf16Kernels(Host()), TimeSpan.FromMinutes(10));
        var plain = Processes.Run("gst-launch-1.0", [.. pipeline[..^3], "precision=fp32", "!", "fakesink"], Host(), TimeSpan.FromMinutes(10));

        Assert.True(slower.ExitCode == 0, $"gst-launch failed:\n{slower.Output}");
        Assert.Contains("WARNING: from element", slower.Output, StringComparison.Ordinal);
        Assert.Contains($"bf16 runs on float32 kernels here ({Bf16KernelChecks.NoBf16Instructions})", slower.Output, StringComparison.Ordinal);
        Assert.True(plain.ExitCode == 0, $"gst-launch failed:\n{plain.Output}");
        Assert.Equal(NativePlugins.EngineWarnings(InferencePrecision.Fp32).Count > 0, plain.Output.Contains("WARNING: from element", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_precision_stops_the_pipeline_and_names_the_choices()
    {
        var run = Launch("videotestsrc", "num-buffers=2", "!", Caps, "!", "seranetupscale", "precision=int4", "!", "fakesink");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Unknown precision 'int4': use fp32 or bf16.", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Just enough YUV4MPEG2 to read y4menc's output: the header line and each frame's bytes.</summary>
    private static class Y4mFile
    {
        public static (string Header, List<byte[]> Frames) Read(string path, PlaneFormat? format = null)
        {
            byte[] bytes = File.ReadAllBytes(path);
            int end = Array.IndexOf(bytes, (byte)'\n');
            string header = Encoding.ASCII.GetString(bytes, 0, end);
            var tags = header.Split(' ');
            int width = int.Parse(tags.Single(t => t.StartsWith('W'))[1..], System.Globalization.CultureInfo.InvariantCulture);
            int height = int.Parse(tags.Single(t => t.StartsWith('H'))[1..], System.Globalization.CultureInfo.InvariantCulture);
            int frameBytes = (format ?? new PlaneFormat(PlaneLayout.Yuv420)).FrameBytes(width, height);
            var frames = new List<byte[]>();
            for (int at = end + 1; at < bytes.Length;)
            {
                int line = Array.IndexOf(bytes, (byte)'\n', at);
                Assert.StartsWith("FRAME", Encoding.ASCII.GetString(bytes, at, line - at), StringComparison.Ordinal);
                frames.Add(bytes[(line + 1)..(line + 1 + frameBytes)]);
                at = line + 1 + frameBytes;
            }
            return (header, frames);
        }
    }
}
