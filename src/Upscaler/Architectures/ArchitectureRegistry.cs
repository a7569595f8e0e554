using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// Builds networks by architecture name, as BasicSR's ARCH_REGISTRY does: a model file names its
/// architecture and options, and this turns them back into a module.
/// </summary>
public static class ArchitectureRegistry
{
    public const string SplitSplice = "split-splice";

    private static readonly Dictionary<string, Func<JsonElement, nn.Module<Tensor, Tensor>>> Builders = new(StringComparer.Ordinal)
    {
        [SplitSplice] = options => new SplitSpliceNet("seranet", options.Deserialize<SplitSpliceOptions>(ModelJson.Options)
            ?? throw new InvalidDataException("split-splice options are missing.")),
    };

    public static IReadOnlyCollection<string> Names => Builders.Keys;

    public static nn.Module<Tensor, Tensor> Build(string architecture, JsonElement options)
    {
        if (!Builders.TryGetValue(architecture, out var build))
        {
            throw new InvalidDataException($"Unknown architecture '{architecture}'. Known: {string.Join(", ", Builders.Keys)}.");
        }
        return build(options);
    }
}
