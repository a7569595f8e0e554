using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>One convolution of the inference form: weight [out, in / groups, k, k], unpadded, stride 1.</summary>
public sealed record FusedConvolution(Tensor Weight, Tensor? Bias, int Groups, int Dilation = 1);

/// <summary>
/// What <see cref="FusedSplitSplice.Forward"/> computes, as data: an exporter writes these layers
/// in this order and gets the same function. Crops are pixels removed from each side.
/// </summary>
public sealed record FusedLayers
{
    public required SplitSpliceOptions Options { get; init; }

    /// <summary>Each followed by Leaky ReLU 0.1, from the padded input less <see cref="SplitSpliceOptions.ContextMargin"/>.</summary>
    public required IReadOnlyList<FusedConvolution> LeakyPath { get; init; }

    /// <summary>Each followed by a sigmoid, from the padded input; empty without fusion. Concatenated after the Leaky ReLU path.</summary>
    public required IReadOnlyList<FusedConvolution> SigmoidPath { get; init; }

    /// <summary>
    /// The context path (<see cref="SplitSpliceOptions.Context"/>): dilated, each followed by Leaky ReLU
    /// 0.1, from the whole padded input; empty without one. The Leaky ReLU path then reads the padded
    /// input less <see cref="SplitSpliceOptions.ContextMargin"/>.
    /// </summary>
    public IReadOnlyList<FusedConvolution> ContextPath { get; init; } = [];

    /// <summary>
    /// The context path's 1x1 join, its output centre-cropped and added to the Leaky ReLU path after
    /// layer <see cref="ContextPathOptions.JoinAfter"/> (after its activation); null without a context path.
    /// </summary>
    public FusedConvolution? ContextJoin { get; init; }

    /// <summary>Each followed by Leaky ReLU 0.1; branch k (lu, ru, ld, rd) owns the k-th quarter of the channels.</summary>
    public required IReadOnlyList<FusedConvolution> Branches { get; init; }

    /// <summary>
    /// After the splice (depth-to-space in DCR order, branch-major), Leaky ReLU between them, the
    /// last is the output convolution; empty when the output is folded before the splice.
    /// </summary>
    public required IReadOnlyList<FusedConvolution> Tail { get; init; }

    /// <summary>
    /// The output convolution folded in front of the splice, channel 4c + 2dy + dx per sub-pixel
    /// (depth-to-space in CRD order, pixel_shuffle's); null when there is a tail.
    /// </summary>
    public FusedConvolution? OutputBeforeSplice { get; init; }

    /// <summary>
    /// torch's bicubic 2x as a grouped convolution with four outputs per channel (CRD order), over
    /// the padded input less <see cref="BicubicMargin"/>; null unless the network is residual.
    /// </summary>
    public FusedConvolution? BicubicBeforeSplice { get; init; }

    /// <summary>Low-resolution pixels cropped from the branch output before the folded output convolution.</summary>
    public int OutputCrop { get; init; }

    /// <summary>Input pixels cropped from the padded input before the bicubic convolution.</summary>
    public int BicubicMargin { get; init; }

    /// <summary>Low-resolution pixels cropped from the context path's join before it is added (with a context path only).</summary>
    public int ContextJoinCrop { get; init; }

    /// <summary>Output pixels cropped after the tail (with a tail only).</summary>
    public int TailCrop { get; init; }
}
