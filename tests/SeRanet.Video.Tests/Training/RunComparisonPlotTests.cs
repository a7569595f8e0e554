using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Runs;

namespace SeRanet.Video.Tests.Training;

public class RunComparisonPlotTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string RunWithLog(string name, double finalPsnr)
    {
        string folder = _temp.File(name);
        Directory.CreateDirectory(folder);
        var log = new TrainingLog(folder);
        log.Append(new TrainingLog.Row(0, 0, 1e-3, 1e-3, 29.0, 29.3, 1e-3, 0, 0.5));
        log.Append(new TrainingLog.Row(1, 100, 6e-4, 6e-4, finalPsnr, 29.3, 1e-3, 2, 1.5));
        return folder;
    }

    [Theory]
    [InlineData(RunAxis.Step)]
    [InlineData(RunAxis.Minutes)]
    public void Several_runs_go_on_one_png(RunAxis axis)
    {
        string png = _temp.File("plots/compare.png");

        RunComparisonPlot.Save([new("a", RunWithLog("a", 29.8)), new("b", RunWithLog("b", 29.9))], axis, "test", png);

        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 1000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.False(File.Exists(png + ".partial.png"));
    }

    [Fact]
    public void A_folder_without_a_log_is_named()
    {
        string empty = _temp.File("empty");
        Directory.CreateDirectory(empty);

        var error = Assert.Throws<FileNotFoundException>(() => RunComparisonPlot.Save([new("a", empty)], RunAxis.Step, "t", _temp.File("p.png")));
        Assert.Contains(empty, error.Message, StringComparison.Ordinal);
    }
}
