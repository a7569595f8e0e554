using System.Text.Json;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// Builds networks by architecture name, as BasicSR's ARCH_REGISTRY does: a model file names its
/// architecture and options, and this turns them back into a network. Every network is built
/// here, trained or loaded, so the rest of the library sees only <see cref="IUpscalingNetwork"/>.
/// </summary>
public static class ArchitectureRegistry
{
    public const string SplitSplice = "split-splice";

    // The module's name; weight keys do not include it, so it only shows in TorchSharp's messages.
    private const string ModuleName = "seranet";

    private static readonly Dictionary<string, Func<JsonElement, IUpscalingNetwork>> Builders = new(StringComparer.Ordinal)
    {
        [SplitSplice] = options => Build(ReadSplitSpliceOptions(options)),
    };

    public static IReadOnlyCollection<string> Names => Builders.Keys;

    public static IUpscalingNetwork Build(string architecture, JsonElement options)
    {
        if (!Builders.TryGetValue(architecture, out var build))
        {
            throw new InvalidDataException($"Unknown architecture '{architecture}'. Known: {string.Join(", ", Builders.Keys)}.");
        }
        return build(options);
    }

    /// <summary>A freshly initialised split/splice network (for training and for timing untrained presets).</summary>
    public static IUpscalingNetwork Build(SplitSpliceOptions options) => new SplitSpliceNet(ModuleName, options);

    /// <summary>The split/splice options a model file's header stores.</summary>
    public static SplitSpliceOptions SplitSpliceOptionsOf(Weights.ModelHeader header) => header.Architecture == SplitSplice
        ? ReadSplitSpliceOptions(header.ArchitectureOptions)
        : throw new InvalidDataException($"The model is a '{header.Architecture}' network, not a {SplitSplice} one.");

    private static SplitSpliceOptions ReadSplitSpliceOptions(JsonElement options) =>
        options.Deserialize<SplitSpliceOptions>(ModelJson.Options) ?? throw new InvalidDataException("split-splice options are missing.");

    /// <summary>The options a split/splice architecture is saved with.</summary>
    public static JsonElement OptionsJson(SplitSpliceOptions options) => JsonSerializer.SerializeToElement(options, ModelJson.Options);
}
