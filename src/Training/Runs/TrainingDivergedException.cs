namespace SeRanet.Video.Training.Runs;

/// <summary>
/// The loss became NaN or infinite. Training stops at once so that no NaN reaches a model file, a
/// checkpoint or the log; the run folder keeps the last checkpoint that validated.
/// </summary>
public sealed class TrainingDivergedException(string message) : InvalidOperationException(message)
{
    public static void ThrowIfNotFinite(double value, string what, long step, long lastCheckpointStep, string runFolder)
    {
        if (double.IsFinite(value))
        {
            return;
        }
        string kept = lastCheckpointStep > 0
            ? $"the checkpoint of step {lastCheckpointStep} in {runFolder} is kept; resume from it with a lower learning rate"
            : "no checkpoint had been written yet; start again with a lower learning rate";
        throw new TrainingDivergedException($"Training diverged at step {step}: the {what} is {value}. Nothing was saved from this step; {kept}.");
    }
}
