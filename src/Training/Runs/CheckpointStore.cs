using System.Text.Json;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// A run folder's checkpoint: the model file, the optimiser's state and where the run stands
/// (<see cref="RunFolderLayout"/>), and the moving average of the weights when the run keeps one.
/// The state file is written last and only after the others, so a checkpoint whose state file
/// exists is complete.
/// </summary>
public sealed class CheckpointStore(string runFolder)
{
    public string RunFolder { get; } = runFolder;

    public string ModelPath => Path.Combine(RunFolder, RunFolderLayout.CheckpointFile);

    private string OptimizerPath => Path.Combine(RunFolder, RunFolderLayout.OptimizerFile);

    private string StatePath => Path.Combine(RunFolder, RunFolderLayout.StateFile);

    public string AveragedModelPath => Path.Combine(RunFolder, RunFolderLayout.AveragedCheckpointFile);

    /// <summary>Whether a checkpoint was written to this folder.</summary>
    public bool Exists => File.Exists(StatePath);

    /// <param name="average">The weight average and its header, when the run keeps one.</param>
    public void Save(nn.Module<Tensor, Tensor> model, AdamOptimizer optimizer, TrainingState state, ModelHeader header, (WeightAverage Weights, ModelHeader Header)? average = null)
    {
        ModelFile.Save(ModelPath, model, header);
        optimizer.Save(OptimizerPath);
        if (average is { } kept)
        {
            ModelFile.Save(AveragedModelPath, kept.Weights.Model, kept.Header);
            state = state with { AverageUpdates = kept.Weights.Updates, AverageDecay = kept.Weights.Decay };
        }
        else
        {
            // A run resumed without --ema: an average left from before would no longer match the checkpoint.
            File.Delete(AveragedModelPath);
            state = state with { AverageUpdates = null, AverageDecay = null };
        }
        string stateTemporary = StatePath + ".partial";
        File.WriteAllText(stateTemporary, JsonSerializer.Serialize(state, ModelJson.Options));
        File.Move(stateTemporary, StatePath, overwrite: true);
    }

    private const string ResumeRemedy = "start a new run folder, or start afresh instead of resuming";

    /// <summary>Restores the model's weights and the optimiser's state; returns where the run stood.</summary>
    public TrainingState Load(nn.Module<Tensor, Tensor> model, AdamOptimizer optimizer, SplitSpliceOptions architecture)
    {
        CopyWeights(ModelPath, model, architecture, $"The checkpoint in {RunFolder}", ResumeRemedy, allowGrowth: false);
        optimizer.Load(OptimizerPath);
        return ReadState();
    }

    /// <summary>Where the run stood at its last checkpoint.</summary>
    public TrainingState ReadState() =>
        JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(StatePath), ModelJson.Options)
            ?? throw new InvalidDataException($"{StatePath} is empty.");

    /// <summary>
    /// Restores the weight average saved with the checkpoint <paramref name="state"/> came from. A
    /// checkpoint saved without one (the run gained <c>--ema</c> on resuming) leaves the average
    /// where it starts, at the restored weights. Returns a note for the user when the average
    /// starts there or continues at another decay than it was saved with; null otherwise.
    /// </summary>
    public string? LoadAverage(WeightAverage average, TrainingState state, SplitSpliceOptions architecture)
    {
        if (state.AverageUpdates is not { } updates || !File.Exists(AveragedModelPath))
        {
            return $"the weight average starts at the weights of step {state.Step}";
        }
        CopyWeights(AveragedModelPath, average.Model, architecture, $"The weight average in {RunFolder}", ResumeRemedy, allowGrowth: false);
        average.Continue(updates);
        return state.AverageDecay is { } saved && saved != average.Decay
            ? $"the weight average continues at decay {average.Decay} (saved at {saved})"
            : null;
    }

    /// <summary>
    /// Loads a model file's weights into the network being trained, after checking that they fit
    /// it; a Y model's weights also start the same preset in RGB (<see cref="LumaToRgbLift"/>), and a
    /// smaller network of the same family starts a wider or deeper one, or one with a sigmoid or context path added (<see cref="NetworkGrowth"/>).
    /// </summary>
    /// <param name="what">The file, as the error message names it.</param>
    /// <param name="remedy">What the user can do instead, for the error message.</param>
    /// <param name="allowGrowth">
    /// Whether a smaller network may start this one: yes for <c>--init</c>, no for a resumed run,
    /// whose optimiser state only fits the network it was saved with.
    /// </param>
    public static void CopyWeights(string path, nn.Module<Tensor, Tensor> model, SplitSpliceOptions architecture, string what, string remedy, bool allowGrowth = true)
    {
        using var source = ModelFile.Load(path);
        var saved = ArchitectureRegistry.SplitSpliceOptionsOf(source.Header);
        bool lift = saved is { Channels: 1 } && architecture.Channels == 3 && SameArchitecture(saved with { Channels = 3 }, architecture);
        bool grow = allowGrowth && NetworkGrowth.CanGrow(saved, architecture);
        if (!(lift || grow || SameArchitecture(saved, architecture)))
        {
            throw new InvalidDataException($"{what} is for a different architecture than the run's preset and colour mode; {remedy}.");
        }
        using var noGrad = torch.no_grad();
        var target = model.state_dict();
        var weights = source.Network.ModuleForm.state_dict();
        if (grow)
        {
            NetworkGrowth.Grow(weights, saved!, target, architecture);
            return;
        }
        foreach (var (name, tensor) in weights)
        {
            Tensor destination = target[name];
            if (lift)
            {
                using var scope = torch.NewDisposeScope();
                destination.copy_(LumaToRgbLift.Lift(name, tensor, destination.shape));
            }
            else
            {
                destination.copy_(tensor);
            }
        }
    }

    private static bool SameArchitecture(SplitSpliceOptions a, SplitSpliceOptions b) =>
        JsonSerializer.Serialize(a, ModelJson.Options) == JsonSerializer.Serialize(b, ModelJson.Options);
}
