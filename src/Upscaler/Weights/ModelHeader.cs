using System.Text.Json;

namespace SeRanet.Video.Upscaler.Weights;

/// <summary>Whether a model sees RGB or only luma (Y), as the seed offered both.</summary>
public enum ColorMode
{
    Rgb,
    Y,
}

/// <summary>Everything a model file says about itself besides the weights.</summary>
public sealed record ModelHeader
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Preset or user-chosen name, e.g. seranet-fast.</summary>
    public required string Name { get; init; }

    /// <summary>Key in <see cref="Architectures.ArchitectureRegistry"/>.</summary>
    public required string Architecture { get; init; }

    public required JsonElement ArchitectureOptions { get; init; }

    public ColorMode ColorMode { get; init; } = ColorMode.Rgb;

    public int Scale { get; init; } = 2;

    public TrainingRecord? Training { get; init; }

    /// <summary>
    /// What was done to the trained weights since, in order, each as the command and what it
    /// changed (e.g. <c>seranet prune</c> and its measured change); null for weights as trained.
    /// </summary>
    public IReadOnlyList<string>? Conversions { get; init; }

    /// <summary>Validation and evaluation figures, e.g. val_psnr_db.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    public IReadOnlyList<TensorEntry> Tensors { get; init; } = [];

    /// <summary>SHA-256 of the weight bytes that follow the header, in hex.</summary>
    public string PayloadSha256 { get; init; } = "";
}

/// <summary>How the weights were made, so anyone can make them again.</summary>
public sealed record TrainingRecord
{
    public required string Command { get; init; }

    public IReadOnlyList<string> Data { get; init; } = [];

    public int Images { get; init; }

    public long Steps { get; init; }

    public int BatchSize { get; init; }

    public int PatchSize { get; init; }

    public double Minutes { get; init; }

    public int Seed { get; init; }

    public string? Degradations { get; init; }

    /// <summary>How the network was prepared before supervised training; null when it started from its plain initialisation or given weights.</summary>
    public PretrainingRecord? Pretraining { get; init; }

    /// <summary>Decay of the moving average of the weights that these are (<c>--ema</c>); null when they are the last step's.</summary>
    public double? AverageDecay { get; init; }

    public DateTimeOffset Finished { get; init; }
}

/// <summary>Pre-training before supervised training, e.g. the sigmoid path as convolutional RBMs.</summary>
public sealed record PretrainingRecord
{
    /// <summary>"crbm": CD-1 on the sigmoid path's convolutions, layer by layer.</summary>
    public required string Method { get; init; }

    /// <summary>The weights it trained, e.g. crbm_path.conv1 to crbm_path.conv3.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];

    public int StepsPerLayer { get; init; }

    public double LearningRate { get; init; }

    /// <summary>Mean squared reconstruction error of each layer on a fixed batch, before and after.</summary>
    public IReadOnlyList<double> InitialReconstructionErrors { get; init; } = [];

    public IReadOnlyList<double> FinalReconstructionErrors { get; init; } = [];

    /// <summary>Wall time it took; the run's <see cref="TrainingRecord.Minutes"/> include it.</summary>
    public double Minutes { get; init; }
}

/// <summary>One float32 tensor in the payload.</summary>
public sealed record TensorEntry(string Name, IReadOnlyList<long> Shape, long Offset, long Length);
