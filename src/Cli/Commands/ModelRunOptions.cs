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
    private readonly Option<InferenceBackend> _backend = CommonOptions.Backend();
    private readonly Option<InferencePrecision> _precision = CommonOptions.Precision();
    private readonly Option<bool> _tta = CommonOptions.Tta();

    // Null where the command does not offer the option: it always upscales 2x, picks the tile side,
    // sets the tiles per pass itself or keeps the default memory budget.
    private readonly Option<double>? _scale;
    private readonly Option<int?>? _tile;
    private readonly Option<int?>? _tileBatch;
    private readonly Option<long?>? _memory;

    public ModelRunOptions(bool scale = false, bool tile = false, bool tileBatch = false, bool memory = false)
    {
        _scale = scale ? CommonOptions.Scale() : null;
        _tile = tile ? CommonOptions.Tile() : null;
        _tileBatch = tileBatch ? CommonOptions.TileBatch() : null;
        _memory = memory ? CommonOptions.Memory() : null;
    }

    /// <summary>The options this command offers, in the order its help lists them.</summary>
    public IEnumerable<Option> Options =>
        new Option?[] { _backend, _precision, _tta, _scale, _tile, _tileBatch, _memory }.OfType<Option>();

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
        Scale = _scale is null ? UpscaleOptions.DefaultScale : result.GetValue(_scale),
        TileSize = _tile is null ? null : result.GetValue(_tile),
        MaxBatch = _tileBatch is null ? null : result.GetValue(_tileBatch),
        MemoryBudgetBytes = (_memory is null ? null : result.GetValue(_memory)) ?? UpscaleOptions.DefaultMemoryBudgetBytes,
        Backend = result.GetValue(_backend),
        Precision = result.GetValue(_precision),
        SelfEnsemble = result.GetValue(_tta),
    };
}
