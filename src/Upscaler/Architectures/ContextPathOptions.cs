using System.Text.Json.Serialization;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// A narrow path of dilated 3x3 convolutions beside a split/splice network's feature path: it reads
/// the padded input and joins the feature path after <see cref="JoinAfter"/> layers through a 1x1
/// convolution, added to that layer's features. Growing dilations let a few cheap layers see far
/// more of the picture than the feature path does (its 3x3 layers see one pixel more each).
/// </summary>
/// <remarks>
/// The convolutions stay unpadded and stride 1, so a tile with <see cref="SplitSpliceOptions.Padding"/>
/// pixels of context still gives exactly the whole image's pixels, and no tile needs aligning.
/// </remarks>
public sealed record ContextPathOptions
{
    /// <summary>Kernel size of every context convolution.</summary>
    public const int Kernel = 3;

    /// <summary>Output width of every context convolution.</summary>
    public int Width { get; init; } = 16;

    /// <summary>Dilation of each context convolution, in order; each is followed by Leaky ReLU.</summary>
    public IReadOnlyList<int> Dilations { get; init; } = [1, 2, 4, 8, 4, 2, 1];

    /// <summary>How many feature-path layers run before the context is added (1 to their count).</summary>
    public int JoinAfter { get; init; } = 2;

    /// <summary>Low-resolution pixels of context the path consumes per side.</summary>
    [JsonIgnore] // Derived; model files keep what defines the path.
    public int Radius => Dilations.Sum() * (Kernel / 2);

    public void Validate(SplitSpliceOptions network)
    {
        if (Width < 1 || Dilations.Count == 0 || Dilations.Any(d => d < 1))
        {
            throw new ArgumentException("A context path needs a positive width and at least one positive dilation.");
        }
        if (JoinAfter < 1 || JoinAfter > network.PathWidths.Count)
        {
            throw new ArgumentException($"A context path joins after 1 to {network.PathWidths.Count} feature-path layers, not {JoinAfter}.");
        }
        if (network.Fusion)
        {
            throw new ArgumentException("A context path joins a network without a sigmoid path (Fusion off).");
        }
    }
}
