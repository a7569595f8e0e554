using System.Text.Json;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// <c>seranet eval --json</c> says which column is which model as it was asked for, so that the
/// benchmark scripts read a model's scores without rebuilding the column names.
/// </summary>
[Trait("Category", "Integration")]
public class EvalCommandTests
{
    [Fact]
    public void Json_names_each_models_column_and_how_it_ran()
    {
        using var temp = new TempFolder();
        string photos = SmallPhoto(temp);

        var run = Processes.Seranet("eval", "--data", photos, "--model", "seranet-fast", "--model", "seranet-fast-deep", "--precision", "bf16", "--json");

        Assert.True(run.ExitCode == 0, run.Output);
        using var report = JsonDocument.Parse(run.Stdout);
        var runs = report.RootElement.GetProperty("runs").EnumerateArray().ToList();
        var methods = report.RootElement.GetProperty("means").EnumerateArray().Select(m => m.GetProperty("method").GetString()).ToList();
        Assert.Equal(["seranet-fast", "seranet-fast-deep"], runs.Select(r => r.GetProperty("model").GetString()));
        Assert.All(runs, r => Assert.Equal("bf16", r.GetProperty("precision").GetString()));
        Assert.All(runs, r => Assert.False(r.GetProperty("tta").GetBoolean()));
        Assert.Equal(["seranet-fast (bf16)", "seranet-fast-deep (bf16)"], runs.Select(r => r.GetProperty("method").GetString()));
        Assert.All(runs, r => Assert.Contains(r.GetProperty("method").GetString(), methods));
    }

    [Fact]
    public void Each_model_warns_for_itself_where_its_bf16_runs_on_float32_kernels()
    {
        using var temp = new TempFolder();
        string photos = SmallPhoto(temp);
        string[] models = [Presets.SeRanetFastDeep, ModelCatalog.DefaultImageName];

        var run = Processes.Seranet("eval", "--data", photos, "--model", models[0], "--model", models[1], "--precision", "bf16", "--json");

        Assert.True(run.ExitCode == 0, run.Output);
        // What this CPU's bfloat16 kernels do for each model's own shapes.
        var refused = models.Where(RepoModels.Bf16RunsOnFp32KernelsHere).ToList();
        var warned = run.Stderr.Split('\n').Where(line => line.Contains("bf16 runs on float32 kernels", StringComparison.Ordinal)).ToList();
        Assert.Equal(refused.Select(name => $"warning: {name}: bf16 runs on float32 kernels here"), warned.Select(line => line[..line.IndexOf(" (", StringComparison.Ordinal)]));
        using var report = JsonDocument.Parse(run.Stdout);
        Assert.Equal(models.Select(refused.Contains), report.RootElement.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("bf16_on_fp32_kernels").GetBoolean()));
    }

    /// <summary>One photo of the public set, shrunk to 96x96 so that a run takes a second.</summary>
    private static string SmallPhoto(TempFolder temp)
    {
        string photos = temp.File("photos");
        Directory.CreateDirectory(photos);
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        Processes.Ffmpeg("-i", photo, "-vf", "scale=96:96:flags=area", Path.Combine(photos, "butterfly.png"));
        return photos;
    }
}
