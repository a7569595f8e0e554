using System.CommandLine;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// The options that say how a command runs its model, read back as one <see cref="UpscaleOptions"/>:
/// backend, precision and <c>--tta</c> in every command that runs a model, and the scale, tile side,
/// tiles per pass and memory budget where the command offers them. A new setting is added here once,
/// not in each command.
/// </summary>
internal sealed class ModelRunOptions
{
    public ModelRunOptions(bool scale = false, bool tile = false, bool tileBatch = false, bool memory = false)
    {
        Scale = scale ? CommonOptions.Scale() : null;
        Tile = tile ? CommonOptions.Tile() : null;
        TileBatch = tileBatch ? CommonOptions.TileBatch() : null;
        Memory = memory ? CommonOptions.Memory() : null;
    }

    public Option<InferenceBackend> Backend { get; } = CommonOptions.Backend();

    public Option<InferencePrecision> Precision { get; } = CommonOptions.Precision();

    public Option<bool> Tta { get; } = CommonOptions.Tta();

    /// <summary><c>--scale</c>, or null where the command always upscales 2x.</summary>
    public Option<double>? Scale { get; }

    /// <summary><c>--tile</c>, or null where the command always picks the tile side.</summary>
    public Option<int?>? Tile { get; }

    /// <summary><c>--tile-batch</c>, or null where the command sets the tiles per pass itself (or fits them to memory).</summary>
    public Option<int?>? TileBatch { get; }

    /// <summary><c>--memory</c>, or null where the command keeps the default budget.</summary>
    public Option<long?>? Memory { get; }

    /// <summary>The options this command offers, in the order its help lists them.</summary>
    public IEnumerable<Option> Options =>
        new Option?[] { Backend, Precision, Tta, Scale, Tile, TileBatch, Memory }.OfType<Option>();

    public void AddTo(Command command)
    {
        foreach (var option in Options)
        {
            command.Add(option);
        }
    }

    /// <summary>What was given, with the engine's defaults for what this command does not offer.</summary>
    public UpscaleOptions Read(ParseResult result) => new()
    {
        Scale = Scale is null ? UpscaleOptions.DefaultScale : result.GetValue(Scale),
        TileSize = Tile is null ? null : result.GetValue(Tile),
        MaxBatch = TileBatch is null ? null : result.GetValue(TileBatch),
        MemoryBudgetBytes = (Memory is null ? null : result.GetValue(Memory)) ?? UpscaleOptions.DefaultMemoryBudgetBytes,
        Backend = result.GetValue(Backend),
        Precision = result.GetValue(Precision),
        SelfEnsemble = result.GetValue(Tta),
    };
}
