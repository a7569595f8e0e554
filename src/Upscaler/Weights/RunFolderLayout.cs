namespace SeRanet.Video.Upscaler.Weights;

/// <summary>
/// The files a training run keeps in its folder. The trainer writes them; the catalog reads them,
/// because long runs are committed between sessions as models/NAME/ and <c>--model NAME</c> then
/// means that run's latest checkpoint. Both sides share these names so that neither needs the other.
/// </summary>
public static class RunFolderLayout
{
    /// <summary>The weights of the last checkpoint, a complete model file.</summary>
    public const string CheckpointFile = "checkpoint" + ModelFile.Extension;

    /// <summary>The optimiser's state at the last checkpoint.</summary>
    public const string OptimizerFile = "checkpoint.optimizer";

    /// <summary>Where the run stands (step, epoch, time, validation); present once a checkpoint was written.</summary>
    public const string StateFile = "checkpoint.json";

    /// <summary>
    /// The moving average of the weights at the last checkpoint (<c>seranet train --ema</c>), a complete
    /// model file: what the run would write if it ended there. The checkpoint file keeps the trained weights.
    /// </summary>
    public const string AveragedCheckpointFile = "checkpoint-ema" + ModelFile.Extension;

    /// <summary>
    /// The checkpoint a run still in progress ships, the weights its end would write: the weight
    /// average where the run keeps one, else the trained weights; null when the folder holds neither.
    /// </summary>
    public static string? ShippedCheckpoint(string runFolder) =>
        new[] { AveragedCheckpointFile, CheckpointFile }.Select(file => Path.Combine(runFolder, file)).FirstOrDefault(File.Exists);
}
