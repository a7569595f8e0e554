using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Options;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Training.Runs;

/// <summary>Training loss.</summary>
public enum LossKind
{
    Mse,
    L1,
    Charbonnier,
}

/// <summary>What a fresh run does to its network before supervised training.</summary>
public enum PretrainKind
{
    None,

    /// <summary>The sigmoid path's convolutions as convolutional RBMs, by contrastive divergence (the seed's plan).</summary>
    Crbm,
}

/// <summary>Everything a training run needs; recorded in the model file it produces.</summary>
public sealed record TrainerOptions
{
    /// <summary>Name written into the model file.</summary>
    public string ModelName { get; init; } = Presets.SeRanetFast;

    public required SplitSpliceOptions Architecture { get; init; }

    public ColorMode ColorMode { get; init; } = ColorMode.Rgb;

    /// <summary>Folders of training images (searched recursively).</summary>
    public required IReadOnlyList<string> DataFolders { get; init; }

    /// <summary>Where the finished model is written.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Checkpoints, CSV log and plot go here.</summary>
    public required string RunFolder { get; init; }

    public int BatchSize { get; init; } = 16;

    /// <summary>Side of a low-resolution training patch, without the network's context.</summary>
    public int PatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The cosine schedule ends at LearningRate * FinalLearningRateFraction.</summary>
    public double FinalLearningRateFraction { get; init; } = 0.02;

    /// <summary>Total optimiser steps: the length of the learning-rate schedule.</summary>
    public long Steps { get; init; } = 20_000;

    /// <summary>Stop (with a checkpoint) after this much wall time in this run; resume later.</summary>
    public double? Minutes { get; init; }

    public int StepsPerEpoch { get; init; } = 500;

    public LossKind Loss { get; init; } = LossKind.Mse;

    public int Seed { get; init; } = 1234;

    /// <summary>Fraction of images held out for validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    public Degradations Degradations { get; init; } = Degradations.None;

    /// <summary>Probability that a patch gets each enabled degradation.</summary>
    public double DegradationProbability { get; init; } = 0.5;

    /// <summary>
    /// Compressed copies of each image per codec, each at its own random quality: one copy per
    /// image gives only as many codec settings as there are images, a few more cover the range better.
    /// </summary>
    public int CompressedVariants { get; init; } = 1;

    /// <summary>Chance that a near-flat training crop is drawn again (0 keeps the plain area-weighted draw).</summary>
    public double SkipFlat { get; init; }

    /// <summary>
    /// Chance that a training crop lies against the photo's edge, its context past the edge
    /// repeated from the edge as inference pads (0 keeps every crop's context inside the photo).
    /// </summary>
    public double EdgeCrops { get; init; }

    public bool Resume { get; init; }

    /// <summary>
    /// Keep an exponential moving average of the weights with this decay (such as 0.999) and
    /// validate and write it instead of the last step's weights; null keeps none.
    /// </summary>
    public double? AverageDecay { get; init; }

    /// <summary>
    /// A trained model file to start from instead of a fresh network (fine-tuning): its
    /// architecture and colour mode must match; the optimiser and schedule start afresh. With
    /// <see cref="Resume"/> and a checkpoint in the run folder, the checkpoint wins.
    /// </summary>
    public string? InitialWeights { get; init; }

    /// <summary>
    /// Extra copies of each training photo, shrunk by these factors (each in (0, 1)), used as
    /// high-resolution originals too. Large photos are soft at the pixel level; their shrunk
    /// copies hold the per-pixel sharpness of smaller images, so both kinds are in the batches.
    /// Validation always uses the photos at their own size.
    /// </summary>
    public IReadOnlyList<double> ExtraScales { get; init; } = [];

    /// <summary>
    /// Whether the photos at their own size are trained on beside the <see cref="ExtraScales"/>
    /// copies. Patches are drawn by area, so big originals otherwise fill most batches; turning
    /// them off (for a late fine-tuning stage) gives the sharp shrunk copies all of them.
    /// </summary>
    public bool FullSize { get; init; } = true;

    /// <summary>Pre-training of a fresh network (not of a resumed or --init one).</summary>
    public PretrainKind Pretrain { get; init; } = PretrainKind.None;

    /// <summary>CD-1 updates per layer of the sigmoid path when <see cref="Pretrain"/> is <see cref="PretrainKind.Crbm"/>.</summary>
    public int PretrainSteps { get; init; } = DefaultPretrainSteps;

    public const int DefaultPretrainSteps = 300;

    /// <summary>Reads the photos Skia cannot, and makes the compressed training inputs.</summary>
    public FfmpegLocation Ffmpeg { get; init; } = FfmpegLocation.OnPath;

    /// <summary>The command line, recorded in the model file.</summary>
    public string Command { get; init; } = "";

    public void Validate()
    {
        Architecture.Validate();
        if (DataFolders.Count == 0)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(DataFolders)), "needs at least one folder of training images");
        }
        foreach (string folder in DataFolders)
        {
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"Training data folder not found: {folder}. Fetch the photos with scripts/fetch-data.sh.");
            }
        }
        if (BatchSize < 1 || PatchSize < 4 || Steps < 1 || StepsPerEpoch < 1 || LearningRate <= 0)
        {
            throw new ArgumentException("Batch size, patch size, steps, steps per epoch and learning rate must be positive.");
        }
        if (ValidationFraction is <= 0 or >= 1)
        {
            throw new ArgumentException("The validation fraction must be between 0 and 1.");
        }
        if (SkipFlat is < 0 or > 1)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(SkipFlat)), "is a probability, between 0 and 1");
        }
        if (EdgeCrops is < 0 or > 1)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(EdgeCrops)), "is a probability, between 0 and 1");
        }
        if (ExtraScales.Any(scale => scale is <= 0 or >= 1))
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(ExtraScales)), "takes shrink factors between 0 and 1, such as 0.75 and 0.5");
        }
        if (CompressedVariants is < 1 or > 16)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(CompressedVariants)), "takes 1 to 16 compressed copies per codec");
        }
        if (!FullSize && ExtraScales.Count == 0)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(ExtraScales)), "must name the shrink factors to train on when the photos at their own size are left out");
        }
        if (InitialWeights is not null && !File.Exists(InitialWeights))
        {
            throw new FileNotFoundException($"The model to start from was not found: {InitialWeights}");
        }
        if (Pretrain == PretrainKind.Crbm && !Architecture.Fusion)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(Pretrain)), "pre-trains the sigmoid path, which a network without fusion does not have");
        }
        if (Pretrain == PretrainKind.Crbm && InitialWeights is not null)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(Pretrain)), "starts a fresh network, so it cannot be combined with a model to start from");
        }
        if (AverageDecay is <= 0 or >= 1)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(AverageDecay)), "is the share of the average kept at each step, between 0 and 1, such as 0.999");
        }
        if (PretrainSteps < 1)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<TrainerOptions>(nameof(PretrainSteps)), "must be at least 1");
        }
        if ((Architecture.Channels == 1) != (ColorMode == ColorMode.Y))
        {
            throw new ArgumentException("Y colour mode needs a 1-channel network and RGB a 3-channel one.");
        }
    }
}
