using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// Folding a saturated sigmoid path (<c>seranet prune</c>): a saturated path folds to the same
/// pictures, a live one is caught by both the bound and the measurement, a shipped RGB fusion
/// model prunes to its own pictures, and the RGB default ships pruned.
/// </summary>
public class SigmoidPathFoldingTests
{
    [Fact]
    public async Task A_saturated_sigmoid_path_folds_to_the_same_pictures()
    {
        // What training did to every shipped fusion model: the path's last layer pushed far below zero.
        torch.manual_seed(76);
        using var network = new SplitSpliceNet("saturated", Presets.Get(Presets.SeRanetFastDeep, channels: 3));
        using (torch.no_grad())
        {
            network.state_dict()["crbm_path.conv3.bias"].fill_(-14);
        }
        Assert.True(SigmoidPathFolding.BranchInputBound(network.state_dict(), network.Options) < 1e-4);

        float change = await FoldedChange(network);
        Assert.True(change < 1e-5, $"the folded network is {change} from the original");
    }

    [Fact]
    public async Task A_live_sigmoid_path_fails_the_bound_and_its_fold_changes_the_picture()
    {
        torch.manual_seed(77);
        using var fresh = new SplitSpliceNet("fresh", Presets.Get(Presets.SeRanetFastDeep, channels: 3));
        double bound = SigmoidPathFolding.BranchInputBound(fresh.state_dict(), fresh.Options);
        Assert.True(bound > SigmoidPathFolding.MaximumChange, $"bound {bound}");

        float change = await FoldedChange(fresh);
        Assert.True(change > SigmoidPathFolding.MaximumChange, $"folding a live path changed the picture by only {change}");
    }

    [Fact]
    public async Task A_shipped_rgb_fusion_model_prunes_to_its_own_pictures()
    {
        using var model = RepoModels.Catalog.Load(Presets.SeRanetFastWide);
        var network = (SplitSpliceNet)model.Network;
        double bound = SigmoidPathFolding.BranchInputBound(network.state_dict(), network.Options);
        Assert.True(bound < SigmoidPathFolding.MaximumChange, $"bound {bound * 255} levels");

        float change = await FoldedChange(network);
        Assert.True(change < 0.1 / 255, $"the pruned model is {change * 255} of an 8-bit level from the shipped one");
    }

    [Fact]
    public void The_shipped_rgb_default_is_pruned_and_says_so()
    {
        // It ships without the sigmoid path that training saturated: 37% fewer multiply-adds, the same pictures.
        using var model = RepoModels.Catalog.Load(ModelCatalog.DefaultImageName);
        var network = (SplitSpliceNet)model.Network;
        Assert.False(network.Options.Fusion);
        var folded = SigmoidPathFolding.Folded(Presets.Get(Presets.SeRanetFastDeep, channels: 3));
        Assert.Equal(folded.PathWidths, network.Options.PathWidths);
        Assert.Equal(folded.MultiplyAddsPerPixel, network.MultiplyAddsPerPixel);
        Assert.Contains(model.Header.Conversions ?? [], conversion => conversion.StartsWith(SigmoidPathFolding.ConversionPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void The_folded_shape_drops_the_sigmoid_paths_multiply_adds()
    {
        var options = Presets.Get(Presets.SeRanetFastDeep, channels: 3);
        var folded = SigmoidPathFolding.Folded(options);
        Assert.False(folded.Fusion);
        Assert.Equal(options.PathWidths, folded.PathWidths);
        // One path of 3x3 convolutions 3 -> 24 -> 24 -> 24, and the branches' first layers read half as much.
        long path = 9L * (3 * 24 + 24 * 24 + 24 * 24);
        long branchInputs = 4L * 24 * 32;
        Assert.Equal(options.MultiplyAddsPerPixel - path - branchInputs, folded.MultiplyAddsPerPixel);
        Assert.Throws<InvalidOperationException>(() => SigmoidPathFolding.BranchInputBound(new Dictionary<string, torch.Tensor>(), folded));
    }

    /// <summary>The largest output change folding makes, on a real photo and the synthetic extremes.</summary>
    private static async Task<float> FoldedChange(SplitSpliceNet network)
    {
        using var folded = new SplitSpliceNet("folded", SigmoidPathFolding.Folded(network.Options));
        SigmoidPathFolding.Fold(network.state_dict(), network.Options, folded.state_dict());
        var check = new FoldingCheck(network, folded);
        check.AddProbes();
        check.Add(await EvaluationPhotos.Planes("butterfly.png"));
        Assert.Equal(9, check.Pictures);
        return check.LargestChange;
    }
}
