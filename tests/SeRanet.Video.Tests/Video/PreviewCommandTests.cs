using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Video;

/// <summary>
/// <c>seranet preview</c> as a user runs it: what the tool itself adds to the preview job, its
/// --json report. The job's pictures and refusals are tested in process in
/// <see cref="Plugin.FramePreviewerTests"/>, and how the tool words a refusal (--crop, --at) in
/// <see cref="Cli.ToolEnvironmentTests"/>; exit codes and messages of a failing job are checked on
/// the image command (<see cref="Cli.ImageCommandTests"/>), which shares <c>CommandErrors</c>.
/// </summary>
[Trait("Category", "Integration")]
public class PreviewCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_range_into_a_folder_is_reported_as_json()
    {
        string input = VideoClips.Ramp(_temp, 6);
        string folder = _temp.File("frames") + Path.DirectorySeparatorChar;

        var result = Processes.Seranet("preview", input, "--frames", "1-2", "-o", folder, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var images = report.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([1L, 2L], images.Select(i => i.GetProperty("frame").GetInt64()));
        Assert.Equal(Path.Combine(folder, "frame-000002.png"), images[1].GetProperty("path").GetString());
    }

    [Fact]
    public void A_report_is_reported_as_json_and_runs_the_model_upscale_would_run()
    {
        string input = VideoClips.Plain(_temp, "clip.mp4", 10);
        string output = _temp.File("report.html");

        var result = Processes.Seranet("preview", input, "--report", output, "--samples", "2", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.Equal(output, root.GetProperty("report").GetString());
        Assert.Equal(SeRanet.Video.Upscaler.Weights.ModelCatalog.DefaultVideoName, root.GetProperty("model").GetString());
        Assert.Equal([2L, 7L], root.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("frame").GetInt64()));
        var estimate = root.GetProperty("estimate");
        Assert.Equal(10, estimate.GetProperty("frames").GetInt64());
        Assert.True(estimate.GetProperty("video_bytes").GetDouble() > 0);
        Assert.True(File.Exists(output));
    }

    [Theory]
    [InlineData(Presets.SeRanetFastDeep)]
    [InlineData(ModelCatalog.DefaultImageName)]
    public void In_bf16_a_preview_warns_exactly_when_its_model_runs_on_float32_kernels(string model)
    {
        string input = VideoClips.Ramp(_temp, 3);

        var result = Processes.Seranet("preview", input, "--frame", "1", "-o", _temp.File("frame.png"), "--model", model, "--precision", "bf16");

        Assert.True(result.ExitCode == 0, result.Stderr);
        bool refused = RepoModels.Bf16RunsOnFp32KernelsHere(model);
        Assert.Equal(refused ? 1 : 0, result.Stderr.Split('\n').Count(line => line.StartsWith("warning: bf16 runs on float32 kernels here (", StringComparison.Ordinal)));
    }
}
