namespace SeRanet.Video.Upscaler.Inference;

/// <summary>How to run a model over images.</summary>
public sealed record UpscaleOptions
{
    /// <summary>Overall factor: 2 and 4 are exact network passes; others are 2x passes, then a bicubic downscale.</summary>
    public double Scale { get; init; } = DefaultScale;

    public const double DefaultScale = 2;

    /// <summary>Tile side in input pixels; null picks one from <see cref="MemoryBudgetBytes"/>.</summary>
    public int? TileSize { get; init; }

    /// <summary>Tiles (or frames) per forward pass; null fits as many as the memory budget allows.</summary>
    public int? MaxBatch { get; init; }

    /// <summary>
    /// Activation memory one forward pass may use: it sizes the tiles (unless <see cref="TileSize"/>
    /// is given), the tiles per pass (unless <see cref="MaxBatch"/> is) and how many whole frames go
    /// through the model and the colour handling together (half of it).
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = DefaultMemoryBudgetBytes;

    public const long DefaultMemoryBudgetBytes = 1L << 30;

    /// <summary>The least budget taken: below it the smallest automatic tile (32 pixels) no longer fits.</summary>
    public const long MinMemoryBudgetBytes = 64L << 20;

    /// <summary>What runs the network (the tiles, batches and colour handling around it are the same).</summary>
    public InferenceBackend Backend { get; init; } = InferenceBackend.Torch;

    /// <summary>The number format inside the network; bf16 runs on the torch backend only, int8 on onnxruntime only.</summary>
    public InferencePrecision Precision { get; init; } = InferencePrecision.Fp32;

    /// <summary>
    /// Average the network over the eight flips and quarter turns of each tile
    /// (<see cref="SelfEnsemble"/>): a little more accurate, about eight times slower.
    /// </summary>
    public bool SelfEnsemble { get; init; }

    /// <summary>How the network runs, for status lines: backend and precision, and "tta" when it averages ("torch, fp32, tta").</summary>
    public string DescribeRun() => $"{Backend.Name()}, {Precision.Name()}{(SelfEnsemble ? ", tta" : "")}";

    public void Validate()
    {
        if (!(Scale > 1) || Scale > 16)
        {
            throw new ArgumentException($"Scale must be above 1 and at most 16, not {Scale}.");
        }
        if (TileSize is < 8)
        {
            throw new ArgumentException("Tile size must be at least 8 pixels.");
        }
        if (!Enum.IsDefined(Backend))
        {
            throw new ArgumentException($"Unknown inference backend {Backend}.");
        }
        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentException($"Unknown inference precision {Precision}.");
        }
        if (Precision == InferencePrecision.Bf16 && Backend != InferenceBackend.Torch)
        {
            throw new ArgumentException($"bf16 precision runs on the torch backend only, not on {Backend.Name()}.");
        }
        if (Precision == InferencePrecision.Int8 && Backend != InferenceBackend.OnnxRuntime)
        {
            throw new ArgumentException($"int8 precision runs on the onnxruntime backend only, not on {Backend.Name()}.");
        }
        if (MemoryBudgetBytes < 1)
        {
            throw new ArgumentException("The memory budget must be above zero.");
        }
        if (MaxBatch is < 1)
        {
            throw new ArgumentException("Batch size must be at least 1.");
        }
    }

    /// <summary>Output size for an input size at <see cref="Scale"/>.</summary>
    public (int Width, int Height) OutputSize(int width, int height) =>
        ((int)Math.Round(width * Scale, MidpointRounding.AwayFromZero), (int)Math.Round(height * Scale, MidpointRounding.AwayFromZero));

    /// <summary>Network passes needed: the smallest n with 2^n at least the scale.</summary>
    public int Passes => (int)Math.Ceiling(Math.Log2(Scale) - 1e-9);
}
