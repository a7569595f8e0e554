using System.Globalization;

namespace SeRanet.Video.Training.Pretraining;

/// <summary>
/// The run's pre-training log, pretrain-log.csv beside training-log.csv: one row per layer and
/// pre-training epoch. A file of its own because its rows are per layer, not per supervised
/// step, and training-log.csv's columns are read back by the plots and resume.
/// </summary>
public sealed class PretrainingLog(string folder)
{
    public const string FileName = "pretrain-log.csv";

    private const string Header = "layer,epoch,step,reconstruction_error,elapsed_minutes";

    public string CsvPath { get; } = Path.Combine(folder, FileName);

    /// <summary>Starts the file afresh: a run pre-trains once, before its first step.</summary>
    public void Start() => File.WriteAllText(CsvPath, Header + "\n");

    public void Append(PretrainingEpoch row) =>
        File.AppendAllText(CsvPath, string.Create(CultureInfo.InvariantCulture,
            $"{row.Layer},{row.Epoch},{row.Step},{row.ReconstructionError:G6},{row.ElapsedMinutes:F3}\n"));

    public IReadOnlyList<PretrainingEpoch> Read() =>
        File.Exists(CsvPath)
            ? File.ReadLines(CsvPath).Skip(1).Where(l => l.Length > 0).Select(line =>
            {
                string[] f = line.Split(',');
                return new PretrainingEpoch(int.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture),
                    int.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture), double.Parse(f[4], CultureInfo.InvariantCulture));
            }).ToList()
            : [];
}
