using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// Starts a larger split/splice network from a trained smaller one, so that it begins where the
/// small one ended instead of at bicubic: on this project's CPUs a larger preset can never be trained
/// from scratch for as long as the small one was.
/// </summary>
/// <remarks>
/// <para>
/// Two kinds of growth, each keeping what the network computes:
/// wider layers (paths, branches, tail) get the old weights in their first channels; the new
/// channels start random, and every weight that reads a new channel starts at zero, so the new
/// features contribute nothing until training gives them weight (exact).
/// </para>
/// <para>
/// A network without a sigmoid path (one that <c>seranet prune</c> wrote) grows into a fusion
/// shape the same way: the whole sigmoid path is new, starts random, and the branches read it
/// with zero weights (exact).
/// </para>
/// <para>
/// Deeper feature paths get their new layers in front of the old ones; each new layer passes
/// the image through in its first channels, which the old first layer reads. On the Leaky ReLU
/// path that is exact: the image is in [0, 1], where Leaky ReLU is the identity. On the sigmoid
/// path it runs the image through the sigmoid's nearly linear middle, sigmoid(a (x - 1/2)) with
/// a small gain a, and the next layer undoes the affine part; what remains is the sigmoid's
/// cubic term, at most about 0.3% of the pixel range for the gain used here.
/// </para>
/// <para>
/// A network without a context path (<see cref="SplitSpliceOptions.Context"/>) grows one: the path
/// starts random and its 1x1 join starts at zero, so it adds nothing until training gives it weight
/// (exact). Its first step moves only the join, whose gradient the random features already give.
/// </para>
/// </remarks>
public static class NetworkGrowth
{
    /// <summary>Gain of the sigmoid pass-through: small keeps it linear, large keeps the next layer's weights small.</summary>
    private const float SigmoidGain = 0.5f;

    private static readonly string[] BranchNames = ["branch_lu", "branch_ru", "branch_ld", "branch_rd"];

    /// <summary>
    /// Whether <paramref name="to"/> is <paramref name="from"/> with wider layers and more
    /// feature-path layers, or a network without a sigmoid path or a context path given one:
    /// everything else (colour mode, kernels, branch and tail depth, residual, an existing context
    /// path) must be the same, and neither path is ever dropped.
    /// </summary>
    public static bool CanGrow(SplitSpliceOptions from, SplitSpliceOptions to) =>
        from.Channels == to.Channels
        && (from.Fusion == to.Fusion || !from.Fusion)
        && from.Residual == to.Residual
        && from.PathKernel == to.PathKernel
        && from.TailKernel == to.TailKernel
        && from.BranchKernels.SequenceEqual(to.BranchKernels)
        && from.TailWidths.Count == to.TailWidths.Count
        && to.PathWidths.Count >= from.PathWidths.Count
        && AtLeastAsWide(from.PathWidths, to.PathWidths.Skip(to.PathWidths.Count - from.PathWidths.Count).ToList())
        && to.PathWidths.Take(to.PathWidths.Count - from.PathWidths.Count).All(width => width >= to.Channels)
        && AtLeastAsWide(from.BranchWidths, to.BranchWidths)
        && AtLeastAsWide(from.TailWidths, to.TailWidths)
        && (from.Context is null || SameContext(from.Context, to.Context, to.PathWidths.Count - from.PathWidths.Count))
        && !(SameShape(from, to) && from.Fusion == to.Fusion && (from.Context is null) == (to.Context is null));

    /// <summary>
    /// Writes the grown form of the <paramref name="source"/> weights (a network of shape
    /// <paramref name="from"/>) into <paramref name="target"/>, a freshly initialised network of
    /// shape <paramref name="to"/>, whose random values stay in the new channels.
    /// </summary>
    public static void Grow(IReadOnlyDictionary<string, Tensor> source, SplitSpliceOptions from, IReadOnlyDictionary<string, Tensor> target, SplitSpliceOptions to)
    {
        if (!CanGrow(from, to))
        {
            throw new ArgumentException("The target network is not a wider or deeper form of the source network.");
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        GrowPath("lrelu_path", sigmoid: false, source, from, target, to);
        if (from.Fusion)
        {
            GrowPath("crbm_path", sigmoid: true, source, from, target, to);
        }
        // The first branch layer reads both paths' last widths side by side.
        int oldPath = from.PathWidths[^1];
        int newPath = to.PathWidths[^1];
        int[] fusedInputs = Enumerable.Range(0, oldPath * (from.Fusion ? 2 : 1))
            .Select(c => c < oldPath ? c : c - oldPath + newPath)
            .ToArray();
        foreach (string branch in BranchNames)
        {
            for (int i = 0; i < from.BranchWidths.Count; i++)
            {
                string name = $"{branch}.conv{i + 1}";
                CopyInto(source, target, name, name, i == 0 ? fusedInputs : null, decode: null);
            }
        }
        for (int i = 0; i < from.TailWidths.Count; i++)
        {
            CopyInto(source, target, $"tail.conv{i + 1}", $"tail.conv{i + 1}", inputs: null, decode: null);
        }
        CopyInto(source, target, "tail.output", "tail.output", inputs: null, decode: null);
        GrowContext(source, from, target, to);
    }

    /// <summary>A context path the source lacks starts joined with zero weights; one it has is copied, its join into the first channels.</summary>
    private static void GrowContext(IReadOnlyDictionary<string, Tensor> source, SplitSpliceOptions from, IReadOnlyDictionary<string, Tensor> target, SplitSpliceOptions to)
    {
        if (to.Context is not { } context)
        {
            return;
        }
        if (from.Context is null)
        {
            target["context_join.weight"].zero_();
            target["context_join.bias"].zero_();
            return;
        }
        for (int i = 0; i < context.Dilations.Count; i++)
        {
            CopyInto(source, target, $"context_path.conv{i + 1}", $"context_path.conv{i + 1}", inputs: null, decode: null);
        }
        CopyInto(source, target, "context_join", "context_join", inputs: null, decode: null);
    }

    private static void GrowPath(string path, bool sigmoid, IReadOnlyDictionary<string, Tensor> source, SplitSpliceOptions from,
        IReadOnlyDictionary<string, Tensor> target, SplitSpliceOptions to)
    {
        int added = to.PathWidths.Count - from.PathWidths.Count;
        int channels = to.Channels;
        for (int j = 0; j < added; j++)
        {
            // New layer j passes the image through in its first channels. On the sigmoid path a
            // layer after another new one reads the image encoded as s = sigmoid(a (x - 1/2)), so
            // a (x - 1/2) = 4 s - 2 up to the cubic term: gain 4, bias -2.
            float gain = !sigmoid ? 1f : j == 0 ? SigmoidGain : 4f;
            float bias = !sigmoid ? 0f : j == 0 ? -SigmoidGain / 2 : -2f;
            Tensor weight = target[$"{path}.conv{j + 1}.weight"];
            Tensor biases = target[$"{path}.conv{j + 1}.bias"];
            int centre = to.PathKernel / 2;
            using Scalar gainScalar = gain, biasScalar = bias;
            weight[TensorIndex.Slice(0, channels)].zero_();
            for (int c = 0; c < channels; c++)
            {
                weight[c, c, centre, centre].fill_(gainScalar);
            }
            biases[TensorIndex.Slice(0, channels)].fill_(biasScalar);
        }
        for (int i = 0; i < from.PathWidths.Count; i++)
        {
            // The old first layer reads the image from the new layers' first channels; on the sigmoid
            // path it undoes their encoding: sigmoid(t) = 1/2 + t/4 - t^3/48 + ..., so
            // x = (4 / a) s - 2 / a + 1/2 up to the cubic term.
            (float Scale, float Offset)? decode = i == 0 && added > 0 && sigmoid ? (4f / SigmoidGain, 0.5f - 2f / SigmoidGain) : null;
            CopyInto(source, target, $"{path}.conv{i + 1}", $"{path}.conv{added + i + 1}", inputs: null, decode);
        }
    }

    /// <summary>
    /// Copies a convolution's weights into the first output channels of a wider one. The source's
    /// input channel c lands on <paramref name="inputs"/>[c] (c itself when null); every other input
    /// channel of those outputs is zeroed. <paramref name="decode"/> folds an affine encoding of the
    /// inputs (read x as scale * s + offset) into weights and bias.
    /// </summary>
    private static void CopyInto(IReadOnlyDictionary<string, Tensor> source, IReadOnlyDictionary<string, Tensor> target,
        string sourceName, string targetName, int[]? inputs, (float Scale, float Offset)? decode)
    {
        Tensor oldWeight = source[$"{sourceName}.weight"];
        Tensor oldBias = source[$"{sourceName}.bias"];
        Tensor weight = target[$"{targetName}.weight"];
        Tensor bias = target[$"{targetName}.bias"];
        long outputs = oldWeight.shape[0];
        long oldInputs = oldWeight.shape[1];
        Tensor newBias = oldBias;
        if (decode is { } affine)
        {
            using Scalar offset = affine.Offset, scale = affine.Scale;
            newBias = oldBias.add(oldWeight.sum([1, 2, 3]).mul(offset));
            oldWeight = oldWeight.mul(scale);
        }

        Tensor rows = weight[TensorIndex.Slice(0, outputs)];
        rows.zero_();
        if (inputs is null)
        {
            rows[.., TensorIndex.Slice(0, oldInputs)].copy_(oldWeight);
        }
        else
        {
            for (int c = 0; c < oldInputs; c++)
            {
                rows[.., inputs[c]].copy_(oldWeight[.., c]);
            }
        }
        bias[TensorIndex.Slice(0, outputs)].copy_(newBias);
    }

    private static bool AtLeastAsWide(IReadOnlyList<int> from, IReadOnlyList<int> to) =>
        from.Count == to.Count && from.Zip(to).All(pair => pair.Second >= pair.First);

    /// <summary>
    /// Whether <paramref name="to"/> is <paramref name="from"/>'s context path in a network with
    /// <paramref name="added"/> more feature-path layers: new layers go in front, so the layer it
    /// joins after moves back by as many.
    /// </summary>
    private static bool SameContext(ContextPathOptions from, ContextPathOptions? to, int added) =>
        to is not null && from.Width == to.Width && from.JoinAfter + added == to.JoinAfter && from.Dilations.SequenceEqual(to.Dilations);

    private static bool SameShape(SplitSpliceOptions a, SplitSpliceOptions b) =>
        a.PathWidths.SequenceEqual(b.PathWidths) && a.BranchWidths.SequenceEqual(b.BranchWidths) && a.TailWidths.SequenceEqual(b.TailWidths);
}
