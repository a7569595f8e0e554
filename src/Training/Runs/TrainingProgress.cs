namespace SeRanet.Video.Training.Runs;

/// <summary>What the trainer reports as it goes.</summary>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    int Epoch,
    double TrainLoss,
    double? ValidationPsnr,
    double? BicubicPsnr,
    double StepsPerSecond,
    TimeSpan Elapsed,
    string? Message = null)
{
    /// <summary>A note before any step is taken (loading, resuming, starting from given weights).</summary>
    public static TrainingProgress Note(string message, long totalSteps = 0) =>
        new(0, totalSteps, 0, 0, null, null, 0, TimeSpan.Zero, message);
}

/// <summary>How a run ended.</summary>
public sealed record TrainingResult(long Step, bool Finished, double? ValidationPsnr, double? BicubicPsnr, string ModelPath, string RunFolder);

/// <summary>What a checkpoint needs besides weights and optimiser state to carry on.</summary>
public sealed record TrainingState
{
    public long Step { get; init; }

    public int Epoch { get; init; }

    public double ElapsedMinutes { get; init; }

    public double? BestValidationPsnr { get; init; }

    public double? LastValidationPsnr { get; init; }

    public double? BicubicPsnr { get; init; }

    /// <summary>What pre-training did before step 0, kept so every later header still says so.</summary>
    public Upscaler.Weights.PretrainingRecord? Pretraining { get; init; }

    /// <summary>Updates in the weight average saved beside the checkpoint; null when the run keeps none.</summary>
    public long? AverageUpdates { get; init; }

    /// <summary>The decay the weight average was kept with; null when the run keeps none.</summary>
    public double? AverageDecay { get; init; }
}
