using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// Removes a saturated sigmoid path from a trained fusion network. Training drives the sigmoid
/// path's last layer deep into saturation in every model this project trained: its output is then
/// nearly a constant, whatever the image, and the path's multiply-adds buy nothing. Folding that
/// constant into the bias of the branches' first convolutions gives a network without the fusion
/// that computes the same picture with about a quarter fewer multiply-adds.
/// </summary>
/// <remarks>
/// Two checks decide whether a fold is safe (<see cref="FoldingCheck"/> runs the second):
/// <list type="bullet">
/// <item>Proved for every input picture: interval arithmetic puts each path output channel in
/// [low, high] (each layer's pre-activation lies between its bias plus the smallest and the largest
/// weighted sum of its inputs' ranges, and the sigmoid is monotone), so replacing it by the midpoint
/// moves any value the branches' first convolutions compute by at most <see cref="BranchInputBound"/>.</item>
/// <item>Measured: carrying that bound on through the branches and the tail as sums of absolute
/// weights gives several 8-bit levels, far above what any picture shows, because it assumes every
/// error adds up with the same sign. So the output change is measured instead, on real photos and on
/// synthetic extremes (flat black and white, noise, one-pixel checkerboards).</item>
/// </list>
/// </remarks>
public static class SigmoidPathFolding
{
    /// <summary>The largest change accepted, both at the branches' inputs and at the output: half an 8-bit level.</summary>
    public const double MaximumChange = 0.5 / 255;

    /// <summary>How the header's conversions line for a pruned model begins: how a file says it was pruned.</summary>
    public const string ConversionPrefix = "seranet prune:";

    private static readonly string[] BranchNames = ["branch_lu", "branch_ru", "branch_ld", "branch_rd"];

    /// <summary>The folded network's shape: the same, without the sigmoid path.</summary>
    public static SplitSpliceOptions Folded(SplitSpliceOptions options) => options with { Fusion = false };

    /// <summary>
    /// The largest amount by which folding can change any value the branches' first convolutions
    /// compute, for every input picture in [0, 1] (proved; in the output's units, where 1 is white).
    /// </summary>
    public static double BranchInputBound(IReadOnlyDictionary<string, Tensor> weights, SplitSpliceOptions options)
    {
        RequireFusion(options);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (low, high) = PathOutputRange(weights, options);
        Tensor pathChange = high.sub(low).div_(2);
        int width = options.PathWidths[^1];
        return BranchNames
            .Select(branch => SigmoidInputs(weights, branch, width).abs().sum([2, 3]).matmul(pathChange).max().item<float>())
            .Max();
    }

    /// <summary>
    /// Writes the folded form of a fusion network's <paramref name="weights"/> into
    /// <paramref name="target"/>, a network of shape <see cref="Folded"/>: the Leaky ReLU path,
    /// branches and tail as they are, and the midpoint of the sigmoid path's output range folded
    /// into the branches' first biases.
    /// </summary>
    public static void Fold(IReadOnlyDictionary<string, Tensor> weights, SplitSpliceOptions options, IReadOnlyDictionary<string, Tensor> target)
    {
        RequireFusion(options);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (low, high) = PathOutputRange(weights, options);
        Tensor constant = low.add(high).div_(2);
        int width = options.PathWidths[^1];
        foreach (var (name, tensor) in target)
        {
            string? branch = BranchNames.FirstOrDefault(b => name.StartsWith($"{b}.conv1.", StringComparison.Ordinal));
            if (branch is not null && name.EndsWith(".weight", StringComparison.Ordinal))
            {
                tensor.copy_(weights[name][.., TensorIndex.Slice(0, width)]);
            }
            else if (branch is not null)
            {
                // Every tap of a constant input adds the same: weight summed over the kernel times the constant.
                tensor.copy_(weights[name].add(SigmoidInputs(weights, branch, width).sum([2, 3]).matmul(constant)));
            }
            else
            {
                tensor.copy_(weights[name]);
            }
        }
    }

    /// <summary>Each output channel of the sigmoid path lies in [low, high] for every input picture in [0, 1].</summary>
    private static (Tensor Low, Tensor High) PathOutputRange(IReadOnlyDictionary<string, Tensor> weights, SplitSpliceOptions options)
    {
        Tensor low = zeros(options.Channels);
        Tensor high = ones(options.Channels);
        for (int i = 0; i < options.PathWidths.Count; i++)
        {
            Tensor weight = weights[$"crbm_path.conv{i + 1}.weight"];
            Tensor bias = weights[$"crbm_path.conv{i + 1}.bias"];
            // Summed over the kernel: every tap of input channel c lies in c's range.
            Tensor positive = weight.clamp_min(0).sum([2, 3]);
            Tensor negative = weight.clamp_max(0).sum([2, 3]);
            Tensor lowest = bias.add(positive.matmul(low)).add_(negative.matmul(high));
            Tensor highest = bias.add(positive.matmul(high)).add_(negative.matmul(low));
            (low, high) = (lowest.sigmoid(), highest.sigmoid());
        }
        return (low, high);
    }

    /// <summary>The part of a branch's first weights that reads the sigmoid path (its inputs after the Leaky ReLU path's).</summary>
    private static Tensor SigmoidInputs(IReadOnlyDictionary<string, Tensor> weights, string branch, int pathWidth) =>
        weights[$"{branch}.conv1.weight"][.., TensorIndex.Slice(pathWidth, null)];

    private static void RequireFusion(SplitSpliceOptions options)
    {
        if (!options.Fusion)
        {
            throw new InvalidOperationException("The network has no sigmoid path to fold.");
        }
    }
}
