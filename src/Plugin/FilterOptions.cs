using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin;

/// <summary>What a host tells the filter: the frames it will send and how to upscale them.</summary>
public sealed record FilterOptions
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public PixelFormat Format { get; init; } = PixelFormat.Rgb24;

    /// <summary>Model name or .srnv path; null for the default.</summary>
    public string? Model { get; init; }

    /// <summary>Where <see cref="Model"/> is looked up by name.</summary>
    public ModelCatalog Catalog { get; init; } = ModelCatalog.EmbeddedOnly;

    public DeviceChoice Device { get; init; } = DeviceChoice.Auto;

    public InferenceBackend Backend { get; init; } = InferenceBackend.Torch;

    /// <summary>The number format inside the network (bf16: torch backend, CPUs with bf16 instructions).</summary>
    public InferencePrecision Precision { get; init; } = InferencePrecision.Fp32;

    public double Scale { get; init; } = 2;

    /// <summary>Average the network over each tile's eight flips and turns (<see cref="UpscaleOptions.SelfEnsemble"/>).</summary>
    public bool SelfEnsemble { get; init; }

    /// <summary>Frames per model pass when streaming.</summary>
    public int Batch { get; init; } = 1;

    public int? TileSize { get; init; }

    /// <summary>Tiles per forward pass; null for as many as fit the memory budget.</summary>
    public int? TilesPerPass { get; init; }

    /// <summary>How <see cref="RawFrameFilter"/> upscales, in the terms every shell passes the engine.</summary>
    public ModelChoice ModelChoice => new(Model, Device, new UpscaleOptions { Scale = Scale, TileSize = TileSize, MaxBatch = TilesPerPass, Backend = Backend, Precision = Precision, SelfEnsemble = SelfEnsemble }) { Catalog = Catalog };
}
