using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Upscaler.Export;

/// <summary>
/// How an int8 graph is quantised: the activation ranges its scales come from, and which
/// convolutions stay float. The residual's bicubic convolution always stays float: it carries most
/// of each output value, and 8 bits of it would round the picture like an 8-bit image does again.
/// </summary>
public sealed record Int8Quantization
{
    public required ActivationRanges Ranges { get; init; }

    /// <summary>
    /// Whether the first convolution of each feature path (the one reading the image) computes in
    /// int8 too, on the image quantised to 256 levels; otherwise it stays float.
    /// </summary>
    public bool FirstConvolutions { get; init; }

    /// <summary>Whether the output convolution computes in int8; otherwise it stays float.</summary>
    public bool OutputConvolution { get; init; }
}
