using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// <c>seranet image</c> as a user runs it: what the tool itself adds to the image job (its --json
/// report, exit codes and messages in its words). The job's pictures are tested in process in
/// <see cref="Plugin.ImageBatchUpscalerTests"/>.
/// </summary>
[Trait("Category", "Integration")]
public class ImageCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string Photo => Path.Combine(RepoPaths.Samples, "photo.png");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_bad_image_in_a_folder_exits_1_and_the_json_report_keeps_the_folder_order()
    {
        string input = _temp.File("in");
        Directory.CreateDirectory(input);
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=48x32", "-frames:v", "1", Path.Combine(input, "a.png"));
        File.WriteAllText(Path.Combine(input, "b.png"), "not a picture");
        string output = _temp.File("out");

        var result = Processes.Seranet("image", input, "-o", output, "--json");

        Assert.Equal(1, result.ExitCode);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var images = report.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["a.png", "b.png"], images.Select(i => Path.GetFileName(i.GetProperty("input").GetString()!)));
        Assert.Equal([false, true], images.Select(i => i.TryGetProperty("error", out _)));
    }

    [Fact]
    public void It_warns_with_the_engines_own_lines_for_its_model_and_precision()
    {
        var plain = Processes.Seranet("image", Photo, "-o", _temp.File("plain.png"), "--precision", "bf16");
        var capped = Processes.Run("dotnet", [RepoPaths.CliDll, "image", Photo, "-o", _temp.File("capped.png"), "--precision", "bf16"],
            NativePlugins.WithoutBf16Kernels(), TimeSpan.FromMinutes(5));

        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.True(capped.ExitCode == 0, capped.Stderr);
        var printed = NativePlugins.PrintedWarnings(plain.Stderr, "warning: ").ToList();
        using (var engine = ImageUpscaler.Open(RepoModels.Catalog, ModelCatalog.DefaultImageName, TorchSharp.torch.CPU, new UpscaleOptions { Precision = InferencePrecision.Bf16 }))
        {
            Assert.Equal(engine.Warnings.Select(NativePlugins.Comparable).Order(StringComparer.Ordinal), printed);
        }
        // Kept from bfloat16 instructions, as on an AVX2 CPU, bf16 runs on float32 kernels and says so once.
        Assert.Single(capped.Stderr.Split('\n'), line => line.StartsWith("warning: bf16 runs on float32 kernels here (", StringComparison.Ordinal));
        // PrintedWarnings keeps each line once, so a line printed twice shows as a count that differs.
        Assert.Equal(printed.Count, plain.Stderr.Split('\n').Count(line => line.StartsWith("warning: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Precision_is_reported_and_bf16_and_int8_are_refused_on_the_other_backend()
    {
        var onnx = Processes.Seranet("image", Photo, "-o", _temp.File("onnx.png"), "--backend", "onnxruntime", "--precision", "bf16");
        Assert.Equal(1, onnx.ExitCode);
        Assert.Contains("error: bf16 precision runs on the torch backend only", onnx.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("onnx.png")));

        var int8 = Processes.Seranet("image", Photo, "-o", _temp.File("int8.png"), "--precision", "int8");
        Assert.Equal(1, int8.ExitCode);
        Assert.Equal("error: int8 precision runs on the onnxruntime backend only, not on torch.", int8.Stderr.Trim());
        Assert.False(File.Exists(_temp.File("int8.png")));

        var fp32 = Processes.Seranet("image", Photo, "-o", _temp.File("fp32.png"), "--json");
        Assert.True(fp32.ExitCode == 0, fp32.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(fp32.Stdout);
        Assert.Equal("fp32", report.RootElement.GetProperty("precision").GetString());
    }

    [Fact]
    public void Tta_is_reported_and_changes_the_picture_but_not_its_size()
    {
        var plain = Processes.Seranet("image", Photo, "-o", _temp.File("plain.png"), "--json");
        var averaged = Processes.Seranet("image", Photo, "-o", _temp.File("tta.png"), "--tta", "--json");
        Assert.True(plain.ExitCode == 0, plain.Stderr);
        Assert.True(averaged.ExitCode == 0, averaged.Stderr);
        using var plainReport = System.Text.Json.JsonDocument.Parse(plain.Stdout);
        using var averagedReport = System.Text.Json.JsonDocument.Parse(averaged.Stdout);
        Assert.False(plainReport.RootElement.GetProperty("tta").GetBoolean());
        Assert.True(averagedReport.RootElement.GetProperty("tta").GetBoolean());

        Processes.Ffmpeg("-i", _temp.File("plain.png"), "-f", "rawvideo", "-pix_fmt", "rgb24", _temp.File("plain.rgb"));
        Processes.Ffmpeg("-i", _temp.File("tta.png"), "-f", "rawvideo", "-pix_fmt", "rgb24", _temp.File("tta.rgb"));
        byte[] one = File.ReadAllBytes(_temp.File("plain.rgb")), eight = File.ReadAllBytes(_temp.File("tta.rgb"));
        Assert.Equal(one.Length, eight.Length);
        // An average of eight estimates of the same picture: close to one pass, not the same.
        int changed = one.Zip(eight).Count(pair => pair.First != pair.Second);
        Assert.InRange(changed, one.Length / 100, one.Length - 1);
        Assert.True(one.Zip(eight).Average(pair => Math.Abs(pair.First - pair.Second)) < 2, "tta moved the picture by 2 levels or more on average");
    }

    [Fact]
    public void The_onnxruntime_backend_writes_the_torch_picture_and_reports_itself()
    {
        byte[] Pixels(string backend)
        {
            string output = _temp.File($"{backend}.png");
            var result = Processes.Seranet("image", Photo, "-o", output, "--backend", backend, "--json");
            Assert.True(result.ExitCode == 0, result.Stderr);
            using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
            Assert.Equal(backend, report.RootElement.GetProperty("backend").GetString());
            string raw = _temp.File($"{backend}.rgb");
            Processes.Ffmpeg("-i", output, "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
            return File.ReadAllBytes(raw);
        }

        byte[] expected = Pixels("torch"), actual = Pixels("onnxruntime");

        Assert.Equal(expected.Length, actual.Length);
        // Float rounding (below 1e-6) may tip a rare value to the next 8-bit level.
        int worst = expected.Zip(actual, (x, y) => Math.Abs(x - y)).Max();
        int differing = expected.Zip(actual).Count(pair => pair.First != pair.Second);
        Assert.True(worst <= 1 && differing <= expected.Length / 10000, $"{differing} values differ, by up to {worst}");
    }

    [Fact]
    public void Refuses_to_overwrite_and_names_the_flag_that_would()
    {
        string output = _temp.File("exists.png");
        File.WriteAllText(output, "keep me");

        var result = Processes.Seranet("image", Photo, "-o", output);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {output} exists; pass --overwrite to replace it.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(output));
    }

    [Fact]
    public void Names_missing_preset_weights_and_the_training_command()
    {
        // seranet-fast-d4 is a preset whose weights do not ship.
        var result = Processes.Seranet("image", Photo, "-o", _temp.File("d4.png"), "--model", "seranet-fast-d4");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("seranet train --preset seranet-fast-d4 --data data/train -o models/seranet-fast-d4.srnv", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("or pass a .srnv file with --model.", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The tool loads libtorch on a worker thread while it parses the command line and ends without
    /// libtorch's teardown once the command has returned (TorchPreload, ExitWithoutTeardown): every
    /// file must still be complete and the same as the engine's in process, and the --json report
    /// whole on stdout. Three public photos of two sizes, as bench/small-photos.sh scales them.
    /// </summary>
    [Fact]
    public async Task A_folder_through_the_tool_gives_the_engines_files_byte_for_byte()
    {
        string photos = _temp.File("photos");
        Directory.CreateDirectory(photos);
        foreach (string name in new[] { "astronaut.png", "chelsea.png", "coffee.png" })
        {
            Processes.Ffmpeg("-nostdin", "-v", "error", "-i", Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), name),
                "-vf", "scale='2*trunc(sqrt(96000*iw/ih)/2)':'2*trunc(sqrt(96000*ih/iw)/2)':flags=area", Path.Combine(photos, name));
        }

        var result = Processes.Seranet("image", photos, "-o", _temp.File("tool"), "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(3, report.RootElement.GetProperty("images").GetArrayLength());

        var loaded = UpscalerFactory.Create(new ModelChoice(ModelCatalog.DefaultImageName, DeviceChoice.Auto, new UpscaleOptions()) { Catalog = RepoModels.Catalog });
        using (var upscaler = loaded.Upscaler)
        {
            var jobs = ImageJobPlanner.Plan([photos], _temp.File("engine"), "png");
            var reports = await new ImageBatchUpscaler(upscaler, overwrite: false, FfmpegLocation.OnPath)
                .RunAsync(jobs, new SynchronousProgress<ImageReport>(_ => { }), CancellationToken.None);
            Assert.All(reports, r => Assert.Null(r.Error));
        }
        foreach (string engineFile in Directory.GetFiles(_temp.File("engine")))
        {
            Assert.Equal(File.ReadAllBytes(engineFile), File.ReadAllBytes(Path.Combine(_temp.File("tool"), Path.GetFileName(engineFile))));
        }
        Assert.Equal(3, Directory.GetFiles(_temp.File("tool")).Length);
    }
}
