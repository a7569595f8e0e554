using System.Text.Json;
using SeRanet.Video.Tests.Support;

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
        string photos = temp.File("photos");
        Directory.CreateDirectory(photos);
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        Processes.Ffmpeg("-i", photo, "-vf", "scale=96:96:flags=area", Path.Combine(photos, "butterfly.png"));

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
}
