using System.CommandLine;
using System.Text.RegularExpressions;
using SeRanet.Video.Cli;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// The mpv user shader, run by a real consumer: FFmpeg's libplacebo filter on Mesa's software
/// Vulkan (lavapipe), on frames of a real clip. Its 2x luma must be the engine's luma output for
/// the same frames (the network on the stretched luma, edges included), not merely close to an
/// upscale: libplacebo's own scaler, run the same way without the shader, is checked to be far off.
/// </summary>
[Trait("Category", "Integration")]
public class MpvShaderLibplaceboTests(ITestOutputHelper log)
{
    // At 8 bits, 50 dB is an RMS difference of 0.8 of a level; libplacebo keeps features in
    // float16 textures and dithers its 8-bit output, so the match is close but not exact.
    private const double MinimumPsnr = 50;

    // Software Vulkan is slow: small frames, two of them.
    private const int Width = 160, Height = 90, Frames = 2;

    public static TheoryData<string> ShippedModels() => new(MpvShaderExportTests.ShippedModelNames());

    [Theory]
    [MemberData(nameof(ShippedModels))]
    public void Libplacebo_runs_the_shader_and_its_luma_is_the_engines(string model)
    {
        using var temp = new TempFolder();
        string clip = temp.File("city.y4m"), shader = temp.File("seranet.glsl");
        Processes.Ffmpeg("-i", Path.Combine(RepoPaths.Samples, "city.mp4"),
            "-vf", $"scale={Width}:{Height}:flags=area,format=yuv420p", "-frames:v", $"{Frames}", clip);
        using var loaded = RepoModels.Catalog.Load(model);
        MpvShaderExporter.Write(loaded, shader, new MpvShaderOptions());

        var input = Y4mLuma.Read(clip);
        var upscaled = Y4mLuma.Read(Libplacebo(clip, shader, temp.File("shader.y4m")));
        var plain = Y4mLuma.Read(Libplacebo(clip, null, temp.File("plain.y4m")));

        Assert.Equal((2 * Width, 2 * Height, Frames), (upscaled.Width, upscaled.Height, upscaled.Frames.Count));
        for (int i = 0; i < Frames; i++)
        {
            byte[] expected = EngineLuma(loaded, input.Frames[i], Width, Height);
            double psnr = Psnr(expected, upscaled.Frames[i]);
            double scalerAlone = Psnr(expected, plain.Frames[i]);
            log.WriteLine($"{model} frame {i}: the shader's luma is {psnr:F2} dB from the engine's, libplacebo's scaler alone {scalerAlone:F2} dB");
            Assert.True(psnr >= MinimumPsnr, $"frame {i}: the shader's luma is {psnr:F2} dB from the engine's (at least {MinimumPsnr} wanted)");
            Assert.True(scalerAlone < MinimumPsnr - 10, $"frame {i}: libplacebo's own scaler is already {scalerAlone:F2} dB from the engine: the check would be vacuous");
        }
        if (model == ModelCatalog.DefaultName)
        {
            CompareWithTheFilterPipe(clip, upscaled, input, loaded, temp);
        }
    }

    /// <summary>
    /// <c>seranet filter</c> on the same frames. Its y4m mode, like the shader, puts the luma plane
    /// through the network, so the two must agree (the 50 dB). Its raw RGB pipe is logged and
    /// held to less: its 8-bit RGB round trip costs a few dB by itself.
    /// </summary>
    private void CompareWithTheFilterPipe(string clip, Y4mLuma upscaled, Y4mLuma input, LoadedModel loaded, TempFolder temp)
    {
        string y4mFiltered = temp.File("filter-y4m.y4m");
        var y4mPipe = Processes.Run("bash", "-c",
            $"set -o pipefail; dotnet '{RepoPaths.CliDll}' filter --model {loaded.Header.Name} < '{clip}' > '{y4mFiltered}'");
        Assert.True(y4mPipe.ExitCode == 0, y4mPipe.Stderr);
        var y4mFilter = Y4mLuma.Read(y4mFiltered);
        for (int i = 0; i < Frames; i++)
        {
            double toShader = Psnr(y4mFilter.Frames[i], upscaled.Frames[i]);
            log.WriteLine($"seranet filter (y4m) frame {i}: {toShader:F2} dB from the shader's luma");
            Assert.True(toShader >= MinimumPsnr, $"frame {i}: the shader's luma is {toShader:F2} dB from seranet filter's (at least {MinimumPsnr} wanted)");
        }

        string filtered = temp.File("filter.y4m");
        var pipe = Processes.Run("bash", "-c",
            $"set -o pipefail; ffmpeg -nostdin -v error -i '{clip}' -f rawvideo -pix_fmt rgb24 - "
            + $"| dotnet '{RepoPaths.CliDll}' filter --size {Width}x{Height} --model {loaded.Header.Name} "
            + $"| ffmpeg -v error -y -f rawvideo -pix_fmt rgb24 -s {2 * Width}x{2 * Height} -i - -pix_fmt yuv420p '{filtered}'");
        Assert.True(pipe.ExitCode == 0, pipe.Stderr);
        var filter = Y4mLuma.Read(filtered);
        for (int i = 0; i < Frames; i++)
        {
            double toShader = Psnr(filter.Frames[i], upscaled.Frames[i]);
            log.WriteLine($"seranet filter (RGB pipe) frame {i}: {Psnr(EngineLuma(loaded, input.Frames[i], Width, Height), filter.Frames[i]):F2} dB from the engine's luma, {toShader:F2} dB from the shader's");
            Assert.True(toShader >= 40, $"frame {i}: the shader is {toShader:F2} dB from seranet filter");
        }
    }

    /// <summary>The README's command; without a shader, libplacebo's own scaler does the 2x.</summary>
    private static string Libplacebo(string input, string? shader, string output)
    {
        string custom = shader is null ? "" : $":custom_shader_path={shader}";
        Processes.Ffmpeg("-init_hw_device", "vulkan", "-i", input,
            "-vf", $"format=yuv420p,hwupload,libplacebo=w=iw*2:h=ih*2{custom}:format=yuv420p,hwdownload,format=yuv420p", output);
        return output;
    }

    /// <summary>
    /// The luma the engine makes of these video-level luma bytes: stretched to full range, edge
    /// padded, through the inference form, and back to video levels, rounded.
    /// </summary>
    internal static byte[] EngineLuma(LoadedModel loaded, byte[] luma, int width, int height)
    {
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        float[] full = luma.Select(v => Math.Clamp((v - 16f) / 219f, 0f, 1f)).ToArray();
        Tensor y = torch.tensor(full, [1, 1, height, width]);
        using var fused = loaded.Network.CreateInferenceForm();
        int p = loaded.Padding;
        float[] output = fused.Forward(nn.functional.pad(y, [p, p, p, p], PaddingModes.Replicate)).contiguous().data<float>().ToArray();
        return output.Select(v => (byte)Math.Clamp(MathF.Round(v * 219f + 16f), 0f, 255f)).ToArray();
    }

    internal static double Psnr(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double squares = a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum();
        return squares == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * a.Length / squares);
    }
}

/// <summary>
/// mpv itself runs the shader: headless under Xvfb on Mesa's software OpenGL (llvmpipe), in its
/// libplacebo renderer and in its older one. A screenshot of the window (mpv's own chroma scaling
/// and RGB output, read back as luma) must be close to the engine's luma, and far from what mpv
/// shows without the shader.
/// </summary>
[Trait("Category", "Integration")]
public class MpvPlayerTests(ITestOutputHelper log)
{
    // The screenshot goes through 8-bit RGB and back, which costs a few dB (see the filter pipe).
    private const double MinimumPsnr = 45;
    private const int Width = 160, Height = 90;

    [Theory]
    [InlineData("gpu-next")]
    [InlineData("gpu")]
    public void Mpv_shows_the_shaders_luma(string videoOutput)
    {
        using var temp = new TempFolder();
        string clip = temp.File("city.y4m"), shader = temp.File("seranet.glsl");
        Processes.Ffmpeg("-i", Path.Combine(RepoPaths.Samples, "city.mp4"),
            "-vf", $"scale={Width}:{Height}:flags=area,format=yuv420p", "-frames:v", "1", clip);
        using var loaded = RepoModels.Catalog.Load(ModelCatalog.DefaultName);
        MpvShaderExporter.Write(loaded, shader, new MpvShaderOptions());
        byte[] expected = MpvShaderLibplaceboTests.EngineLuma(loaded, Y4mLuma.Read(clip).Frames[0], Width, Height);

        byte[] shown = Screenshot(videoOutput, clip, shader, temp);
        byte[] plain = Screenshot(videoOutput, clip, null, temp);
        double psnr = MpvShaderLibplaceboTests.Psnr(expected, shown), without = MpvShaderLibplaceboTests.Psnr(expected, plain);
        log.WriteLine($"mpv --vo={videoOutput}: the window's luma is {psnr:F2} dB from the engine's, {without:F2} dB without the shader");
        Assert.True(psnr >= MinimumPsnr, $"mpv --vo={videoOutput} shows a luma {psnr:F2} dB from the engine's");
        Assert.True(without < MinimumPsnr - 10, $"without the shader mpv is already {without:F2} dB from the engine: the check would be vacuous");
    }

    /// <summary>The first frame as mpv draws it in a window twice the video's size, as luma.</summary>
    private static byte[] Screenshot(string videoOutput, string clip, string? shader, TempFolder temp)
    {
        string name = shader is null ? "plain" : "shader";
        string script = temp.File("screenshot.lua"), png = temp.File($"{name}.png"), y4m = temp.File($"{name}.y4m");
        File.WriteAllText(script, """
            mp.register_event("playback-restart", function()
                mp.add_timeout(0.5, function()
                    mp.commandv("screenshot-to-file", mp.get_opt("screenshot"), "window")
                    mp.command("quit")
                end)
            end)
            """);
        List<string> arguments =
        [
            "-a", "-s", "-screen 0 640x480x24", "mpv", "--no-config", $"--vo={videoOutput}", "--gpu-api=opengl", "--gpu-sw",
            "--pause", $"--geometry={2 * Width}x{2 * Height}", $"--autofit={2 * Width}x{2 * Height}",
            $"--script={script}", $"--script-opts=screenshot={png}", clip,
        ];
        if (shader is not null)
        {
            arguments.Insert(arguments.Count - 1, $"--glsl-shaders={shader}");
        }
        var result = Processes.Run("xvfb-run", [.. arguments]);
        Assert.True(result.ExitCode == 0 && File.Exists(png), $"mpv failed ({result.ExitCode}): {result.Stderr}{result.Stdout}");
        Processes.Ffmpeg("-i", png, "-pix_fmt", "yuv420p", y4m);
        var luma = Y4mLuma.Read(y4m);
        Assert.Equal((2 * Width, 2 * Height), (luma.Width, luma.Height));
        return luma.Frames[0];
    }
}

/// <summary>What the exporter writes and refuses, without a GPU.</summary>
public class MpvShaderExportTests
{
    /// <summary>
    /// The Y models that ship as files (models/*.srnv) and fold their output convolution in front of
    /// the splice: the shader runs on the luma plane, at low resolution (seranet-v1 is refused, below).
    /// </summary>
    public static IEnumerable<string> ShippedModelNames() =>
        ShippedModelsIn(ColorMode.Y).Where(name => TailLayerCount(name) == 0);

    /// <summary>How many full-resolution layers a shipped model has after the splice.</summary>
    private static int TailLayerCount(string name)
    {
        var header = ModelFile.ReadHeader(Path.Combine(RepoModels.Folder, name + ModelFile.Extension));
        return ArchitectureRegistry.SplitSpliceOptionsOf(header).TailWidths.Count;
    }

    /// <summary>The shipped models of one colour mode, by name.</summary>
    public static IEnumerable<string> ShippedModelsIn(ColorMode mode) =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "models"), "*" + ModelFile.Extension)
            .Where(path => ModelFile.ReadHeader(path).ColorMode == mode)
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static TheoryData<string> ShippedModels() => new(ShippedModelNames());

    [Theory]
    [MemberData(nameof(ShippedModels))]
    public void Every_shipped_model_exports_within_the_limits_of_mpv_and_libplacebo(string model)
    {
        using var loaded = RepoModels.Catalog.Load(model);
        AssertWellFormed(MpvShaderExporter.Build(loaded, new MpvShaderOptions()), loaded);
    }

    [Fact]
    public void The_embedded_default_exports()
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream($"SeRanet.Video.Models.{ModelCatalog.DefaultName}{ModelFile.Extension}");
        Assert.NotNull(stream);
        using var loaded = ModelFile.Load(stream, "embedded");
        AssertWellFormed(MpvShaderExporter.Build(loaded, new MpvShaderOptions()), loaded);
    }

    [Fact]
    public void The_luma_levels_follow_the_option()
    {
        using var loaded = RepoModels.Catalog.Load(ModelCatalog.DefaultName);
        string video = MpvShaderExporter.Build(loaded, new MpvShaderOptions()).Text;
        string full = MpvShaderExporter.Build(loaded, new MpvShaderOptions { LimitedRange = false }).Text;

        Assert.Contains("(y - 0.0627451) * 1.1643835", video, StringComparison.Ordinal);
        Assert.Contains("y * 0.85882354 + 0.0627451", video, StringComparison.Ordinal);
        Assert.Contains("(y - 0.0) * 1.0", full, StringComparison.Ordinal);
        Assert.Contains("full range (0-255 at 8 bits)", full, StringComparison.Ordinal);
    }

    [Fact]
    public void The_seeds_network_is_refused_for_its_full_resolution_layers()
    {
        Assert.DoesNotContain(Presets.SeRanetV1, ShippedModelNames());
        Assert.Contains(Presets.SeRanetV1, ShippedModelsIn(ColorMode.Y));
        using var loaded = RepoModels.Catalog.Load(Presets.SeRanetV1);
        var error = Assert.Throws<InvalidOperationException>(() => MpvShaderExporter.Build(loaded, new MpvShaderOptions()));
        Assert.Contains("4 full-resolution layers after the splice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shipped_rgb_models_are_refused_and_pointed_to_the_onnx_export()
    {
        var rgb = ShippedModelsIn(ColorMode.Rgb).ToList();
        Assert.NotEmpty(rgb);
        foreach (string model in rgb)
        {
            using var loaded = RepoModels.Catalog.Load(model);
            var error = Assert.Throws<InvalidOperationException>(() => MpvShaderExporter.Build(loaded, new MpvShaderOptions()));
            Assert.Contains("The ONNX export takes RGB models", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_rgb_model_is_refused_with_a_clear_message()
    {
        using var loaded = Untrained(Presets.Get(Presets.SeRanetFast, 3), ColorMode.Rgb);
        var error = Assert.Throws<InvalidOperationException>(() => MpvShaderExporter.Build(loaded, new MpvShaderOptions()));
        Assert.Contains("is an RGB model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_with_full_resolution_layers_after_the_splice_is_refused()
    {
        using var loaded = Untrained(Presets.Get(Presets.SeRanetFast, 1) with { TailWidths = [8], Residual = true }, ColorMode.Y);
        var error = Assert.Throws<InvalidOperationException>(() => MpvShaderExporter.Build(loaded, new MpvShaderOptions()));
        Assert.Contains("2 full-resolution layers after the splice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_with_a_context_path_is_refused()
    {
        var options = Presets.Get(Presets.SeRanetFast, 1) with { Fusion = false, Context = new ContextPathOptions { Width = 8, Dilations = [1, 2], JoinAfter = 1 } };
        using var loaded = Untrained(options, ColorMode.Y);
        var error = Assert.Throws<InvalidOperationException>(() => MpvShaderExporter.Build(loaded, new MpvShaderOptions()));
        Assert.Contains("has a context path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_too_wide_for_one_pass_is_refused()
    {
        // 40 + 40 path channels are 20 textures for the first branch convolution.
        using var loaded = Untrained(Presets.Get(Presets.SeRanetFast, 1) with { PathWidths = [40, 40] }, ColorMode.Y);
        var error = Assert.Throws<InvalidOperationException>(() => MpvShaderExporter.Build(loaded, new MpvShaderOptions()));
        Assert.Contains("reads 20 textures in one pass", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_export_command_writes_the_shader_and_refuses_what_does_not_apply()
    {
        using var temp = new TempFolder();
        string path = temp.File("seranet.glsl");
        string[] args = ["export", Presets.SeRanetFast, "--format", "mpv-glsl", "-o", path];

        Assert.Equal(ExitCodes.Success, Run(args));
        Assert.StartsWith("// SeRanet seranet-fast:", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.False(File.Exists(path + ".partial"));
        Assert.Equal(ExitCodes.Failure, Run(args));
        Assert.Equal(ExitCodes.Success, Run([.. args, "--overwrite", "--full-range"]));
        Assert.Contains("full range", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, Run([.. args, "--overwrite", "--fp16"]));
        Assert.Equal(ExitCodes.Usage, Run([.. args, "--overwrite", "--opset", "17"]));
        Assert.Equal(ExitCodes.Usage, Run(["export", Presets.SeRanetFast, "--format", "onnx", "--full-range", "-o", temp.File("m.onnx")]));
        Assert.Equal(ExitCodes.Usage, Run(["export", Presets.SeRanetFast, "--format", "glsl", "-o", path]));
    }

    private static void AssertWellFormed(MpvShader shader, LoadedModel loaded)
    {
        string text = shader.Text;
        // mpv reads user shaders of up to 1024 kB.
        Assert.True(text.Length < 1_000_000, $"{text.Length} bytes");
        // The header is comments before the first directive, and names the model and its weights.
        int first = text.IndexOf("//!", StringComparison.Ordinal);
        Assert.All(text[..first].Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("// ", line, StringComparison.Ordinal));
        Assert.Contains(loaded.Header.PayloadSha256, text[..first], StringComparison.Ordinal);

        string[] passes = text[first..].Split("//!DESC ", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(shader.Passes, passes.Length);
        var saved = new HashSet<string>(StringComparer.Ordinal) { "HOOKED" };
        foreach (string pass in passes)
        {
            Assert.Contains("//!HOOK LUMA\n", pass, StringComparison.Ordinal);
            // mpv 0.35's gpu-next crashes on HOOKED in a condition; MpvPlayerTests found it.
            Assert.Contains("//!WHEN OUTPUT.w LUMA.w / 1.2 > OUTPUT.h LUMA.h / 1.2 > *\n", pass, StringComparison.Ordinal);
            var binds = Regex.Matches(pass, "^//!BIND (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            Assert.InRange(binds.Count, 1, 16);
            // Every texture a pass reads was saved by an earlier pass.
            Assert.All(binds, bind => Assert.Contains(bind, saved));
            if (Regex.Match(pass, "^//!SAVE (.+)$", RegexOptions.Multiline) is { Success: true } save)
            {
                saved.Add(save.Groups[1].Value);
            }
        }
        // Only the last pass replaces the luma, at twice the size.
        Assert.DoesNotContain("//!SAVE", passes[^1], StringComparison.Ordinal);
        Assert.Contains("//!WIDTH HOOKED.w 2 *\n", passes[^1], StringComparison.Ordinal);
    }

    private static LoadedModel Untrained(SplitSpliceOptions options, ColorMode mode)
    {
        torch.manual_seed(5);
        var network = ArchitectureRegistry.Build(options);
        var header = new ModelHeader
        {
            Name = "untrained",
            Architecture = network.Architecture,
            ArchitectureOptions = ArchitectureRegistry.OptionsJson(options),
            ColorMode = mode,
        };
        return new LoadedModel(header, network);
    }

    private static int Run(string[] args)
    {
        using var output = new StringWriter();
        return SeranetCli.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = output }).GetAwaiter().GetResult();
    }
}
