using System.Globalization;
using ScottPlot;

namespace SeRanet.Video.Training.Runs;

/// <summary>The run's CSV log (one row per epoch) and its PNG plot of loss and validation PSNR.</summary>
public sealed class TrainingLog(string folder)
{
    private const string Header = "epoch,step,train_loss,val_loss,val_psnr_db,bicubic_psnr_db,learning_rate,steps_per_second,elapsed_minutes";

    public string CsvPath { get; } = Path.Combine(folder, "training-log.csv");

    public string PlotPath { get; } = Path.Combine(folder, "training-plot.png");

    public sealed record Row(int Epoch, long Step, double TrainLoss, double ValidationLoss, double ValidationPsnr, double BicubicPsnr, double LearningRate, double StepsPerSecond, double ElapsedMinutes);

    public void Append(Row row)
    {
        if (!new[] { row.TrainLoss, row.ValidationLoss, row.ValidationPsnr, row.BicubicPsnr, row.LearningRate }.All(double.IsFinite))
        {
            throw new ArgumentException($"Refusing to log a NaN or infinite value at step {row.Step}.", nameof(row));
        }
        if (!File.Exists(CsvPath))
        {
            File.WriteAllText(CsvPath, Header + "\n");
        }
        File.AppendAllText(CsvPath, string.Create(CultureInfo.InvariantCulture,
            $"{row.Epoch},{row.Step},{row.TrainLoss:G6},{row.ValidationLoss:G6},{row.ValidationPsnr:F4},{row.BicubicPsnr:F4},{row.LearningRate:G4},{row.StepsPerSecond:F2},{row.ElapsedMinutes:F2}\n"));
    }

    public IReadOnlyList<Row> Read()
    {
        if (!File.Exists(CsvPath))
        {
            return [];
        }
        return File.ReadLines(CsvPath).Skip(1).Where(l => l.Length > 0).Select(line =>
        {
            string[] f = line.Split(',');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new Row(int.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), D(2), D(3), D(4), D(5), D(6), D(7), D(8));
        }).ToList();
    }

    /// <summary>Training and validation loss (left axis, log scale) and PSNR against bicubic (right axis) by step.</summary>
    public void Plot(string title)
    {
        var rows = Read();
        if (rows.Count == 0)
        {
            return;
        }
        double[] steps = rows.Select(r => (double)r.Step).ToArray();
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("step");

        var train = plot.Add.Scatter(steps, rows.Select(r => Math.Log10(r.TrainLoss)).ToArray());
        train.LegendText = "train loss (log10)";
        var validation = plot.Add.Scatter(steps, rows.Select(r => Math.Log10(r.ValidationLoss)).ToArray());
        validation.LegendText = "validation loss (log10)";
        plot.Axes.Left.Label.Text = "log10 loss";

        var psnr = plot.Add.Scatter(steps, rows.Select(r => r.ValidationPsnr).ToArray());
        psnr.LegendText = "validation PSNR (dB)";
        psnr.Axes.YAxis = plot.Axes.Right;
        var bicubic = plot.Add.Scatter(steps, rows.Select(r => r.BicubicPsnr).ToArray());
        bicubic.LegendText = "bicubic PSNR (dB)";
        bicubic.LinePattern = LinePattern.Dashed;
        bicubic.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "PSNR (dB)";
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(PlotPath, 900, 500);
    }
}
