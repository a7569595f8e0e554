using ScottPlot;

namespace SeRanet.Video.Training.Runs;

/// <summary>What the comparison plot puts on its horizontal axis.</summary>
public enum RunAxis
{
    /// <summary>Supervised optimiser steps (pre-training happens before step 0).</summary>
    Step,

    /// <summary>Wall time since the run started, pre-training included.</summary>
    Minutes,
}

/// <summary>
/// The validation PSNR curves of several runs on one chart, read from their training-log.csv
/// files (the per-run plot of <see cref="TrainingLog"/> shows one run's losses and PSNR).
/// </summary>
public static class RunComparisonPlot
{
    /// <summary>One run to draw: its legend label and its run folder.</summary>
    public sealed record Run(string Label, string Folder);

    public static void Save(IReadOnlyList<Run> runs, RunAxis axis, string title, string pngPath)
    {
        if (runs.Count == 0)
        {
            throw new ArgumentException("Name at least one run to plot.", nameof(runs));
        }
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(axis == RunAxis.Step ? "supervised step" : "minutes since the run started (pre-training included)");
        plot.YLabel("validation PSNR (dB)");
        double? bicubic = null;
        foreach (var run in runs)
        {
            var rows = new TrainingLog(run.Folder).Read();
            if (rows.Count == 0)
            {
                throw new FileNotFoundException($"{run.Folder} holds no training log (training-log.csv).");
            }
            double[] x = rows.Select(r => axis == RunAxis.Step ? r.Step : r.ElapsedMinutes).ToArray();
            var curve = plot.Add.Scatter(x, rows.Select(r => r.ValidationPsnr).ToArray());
            curve.LegendText = $"{run.Label} (last {rows[^1].ValidationPsnr:F2} dB)";
            bicubic ??= rows[0].BicubicPsnr;
        }
        if (bicubic is { } level)
        {
            var line = plot.Add.HorizontalLine(level);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"bicubic ({level:F2} dB)";
        }
        plot.ShowLegend(Alignment.LowerRight);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }
        string temporary = pngPath + ".partial.png";
        plot.SavePng(temporary, 900, 500);
        File.Move(temporary, pngPath, overwrite: true);
    }
}
