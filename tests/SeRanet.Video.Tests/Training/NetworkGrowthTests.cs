using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Training;

public class NetworkGrowthTests
{
    private const string ShippedRgbModel = "seranet-fast-deep-rgb";

    private static SplitSpliceOptions RgbDeep => Presets.Get(Presets.SeRanetFastDeep, channels: 3);

    [Fact]
    public async Task A_widened_network_computes_what_the_trained_one_does_on_a_real_photo()
    {
        // Wider paths and branches only: the new channels are read with zero weights, so the result is exact.
        var wider = RgbDeep with { PathWidths = [32, 32, 32], BranchWidths = [40, 12] };
        double psnr = await PsnrAgainstShipped(wider);
        Assert.True(psnr > 90, $"grown network differs from the trained one: {psnr:F1} dB");
    }

    [Theory]
    [InlineData(Presets.SeRanetFastWide)]
    [InlineData(Presets.SeRanetFastD5)]
    public async Task A_grown_preset_starts_at_the_trained_networks_output_on_a_real_photo(string preset)
    {
        // The shipped RGB default is pruned, so its sigmoid path is new and read with zero weights;
        // deeper Leaky ReLU paths pass the image through unchanged. Growth from a fusion model's
        // sigmoid path (close, not exact) is the next test's.
        double psnr = await PsnrAgainstShipped(Presets.Get(preset, channels: 3));
        Assert.True(psnr > 50, $"grown {preset} differs from the trained network: {psnr:F1} dB");
    }

    [Theory]
    [InlineData(Presets.SeRanetFastWide, 1)]
    [InlineData(Presets.SeRanetFastD5, 2)]
    public async Task New_sigmoid_layers_pass_the_image_through_to_a_live_sigmoid_path(string preset, int added)
    {
        // The shipped models' sigmoid paths are saturated (their output hardly depends on the image),
        // so they cannot show an error in the pass-through; a fresh network's path is live.
        torch.manual_seed(20261130);
        using var source = new SplitSpliceNet("seranet", RgbDeep);
        var options = Presets.Get(preset, channels: 3);
        using var grown = new SplitSpliceNet("seranet", options);
        NetworkGrowth.Grow(source.state_dict(), RgbDeep, grown.state_dict(), options);
        source.eval();
        grown.eval();

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor photo = (await EvaluationPhotos.RgbTensor("butterfly.png"))[.., .., ..96, ..96];
        Tensor sourcePath = EvaluationPhotos.SigmoidPath(source).call(photo);
        Tensor grownPath = EvaluationPhotos.SigmoidPath(grown).call(photo);
        // The grown path sees `added` more pixels of context per side and is wider: compare the overlap.
        Tensor overlap = grownPath[.., ..24];
        Tensor cropped = sourcePath[.., .., TensorIndex.Slice(added, -added), TensorIndex.Slice(added, -added)];
        float largest = overlap.sub(cropped).abs().max().item<float>();
        float spread = cropped.std().item<float>();
        Assert.True(spread > 0.01, $"the fresh sigmoid path is not live (spread {spread})");
        Assert.True(largest < 5e-4, $"the grown sigmoid path is {largest} from the source's");
    }

    [Fact]
    public async Task Growth_is_not_a_copy_the_new_channels_start_random_and_train()
    {
        var options = Presets.Get(Presets.SeRanetFastWide, channels: 3);
        using var grown = Grown(options);
        var weights = grown.state_dict();
        // The new first path layer's extra channels are random; the old first layer's weights on them are zero.
        Assert.True(weights["lrelu_path.conv1.weight"][TensorIndex.Slice(3, null)].abs().sum().item<float>() > 0);
        Assert.Equal(0f, weights["lrelu_path.conv2.weight"][TensorIndex.Slice(0, 24), TensorIndex.Slice(3, null)].abs().sum().item<float>());

        // One training step's gradient reaches the zero weights, so the new channels come into use.
        using var scope = torch.NewDisposeScope();
        grown.train();
        Tensor photo = await EvaluationPhotos.RgbTensor("butterfly.png");
        int padding = options.Padding;
        Tensor input = nn.functional.pad(photo[.., .., ..64, ..64], [padding, padding, padding, padding], PaddingModes.Replicate);
        Tensor target = nn.functional.interpolate(photo[.., .., ..64, ..64], scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        grown.call(input).sub(target).square().mean().backward();
        Tensor gradient = grown.named_parameters().First(p => p.name == "lrelu_path.conv2.weight").parameter.grad!;
        Assert.True(gradient[TensorIndex.Slice(0, 24), TensorIndex.Slice(3, null)].abs().sum().item<float>() > 0);
    }

    [Fact]
    public async Task A_grown_context_path_starts_silent_and_its_join_trains()
    {
        // The shipped RGB default is pruned (no sigmoid path), the family a context path joins.
        var options = SigmoidPathFolding.Folded(RgbDeep) with { Context = new ContextPathOptions() };
        double psnr = await PsnrAgainstShipped(options);
        Assert.True(psnr > 90, $"a grown context path changed the picture: {psnr:F1} dB");

        using var grown = Grown(options);
        Assert.Equal(0f, grown.state_dict()["context_join.weight"].abs().sum().item<float>());
        using var scope = torch.NewDisposeScope();
        grown.train();
        Tensor photo = await EvaluationPhotos.RgbTensor("butterfly.png");
        Tensor input = Padded(photo[.., .., ..48, ..48], options.Padding);
        Tensor target = nn.functional.interpolate(photo[.., .., ..48, ..48], scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        grown.call(input).sub(target).square().mean().backward();
        Tensor gradient = grown.named_parameters().First(p => p.name == "context_join.weight").parameter.grad!;
        Assert.True(gradient.abs().sum().item<float>() > 0, "the zero join gets no gradient, so the context path would never train");
    }

    [Fact]
    public void Only_wider_or_deeper_forms_of_the_same_family_can_grow()
    {
        Assert.True(NetworkGrowth.CanGrow(RgbDeep, Presets.Get(Presets.SeRanetFastWide, channels: 3)));
        Assert.True(NetworkGrowth.CanGrow(RgbDeep, Presets.Get(Presets.SeRanetFastD5, channels: 3)));
        Assert.False(NetworkGrowth.CanGrow(RgbDeep, RgbDeep));
        Assert.False(NetworkGrowth.CanGrow(RgbDeep, Presets.Get(Presets.SeRanetFast, channels: 3)));
        Assert.False(NetworkGrowth.CanGrow(RgbDeep, Presets.Get(Presets.SeRanetFastWide, channels: 1)));
        Assert.False(NetworkGrowth.CanGrow(RgbDeep, Presets.Get(Presets.SeRanetFastDeepNoFusion, channels: 3)));
        Assert.False(NetworkGrowth.CanGrow(Presets.Get(Presets.SeRanetFastWide, channels: 3), RgbDeep));

        // A pruned network (the shipped RGB default) may get a sigmoid path back, never lose one.
        var pruned = SigmoidPathFolding.Folded(RgbDeep);
        Assert.True(NetworkGrowth.CanGrow(pruned, RgbDeep));
        Assert.True(NetworkGrowth.CanGrow(pruned, Presets.Get(Presets.SeRanetFastWide, channels: 3)));
        Assert.False(NetworkGrowth.CanGrow(pruned, pruned));

        // A context path may be added, never dropped or reshaped.
        var context = pruned with { Context = new ContextPathOptions() };
        Assert.True(NetworkGrowth.CanGrow(pruned, context));
        Assert.False(NetworkGrowth.CanGrow(context, pruned));
        Assert.False(NetworkGrowth.CanGrow(context, context));
        Assert.False(NetworkGrowth.CanGrow(context, pruned with { Context = new ContextPathOptions { Dilations = [1, 2, 1] } }));
        Assert.True(NetworkGrowth.CanGrow(context, context with { PathWidths = [32, 32, 32] }));
        // Deeper: new layers go in front, so the join moves back with the layer it followed.
        Assert.True(NetworkGrowth.CanGrow(context, context with { PathWidths = [24, 24, 24, 24], Context = new ContextPathOptions { JoinAfter = 3 } }));
        Assert.False(NetworkGrowth.CanGrow(context, context with { PathWidths = [24, 24, 24, 24] }));
    }

    [Fact]
    public async Task A_network_with_a_context_path_grows_wider_and_deeper_exactly()
    {
        torch.manual_seed(20261202);
        var small = SigmoidPathFolding.Folded(RgbDeep) with { Context = new ContextPathOptions { Width = 8, Dilations = [1, 4, 2], JoinAfter = 2 } };
        var large = small with { PathWidths = [32, 32, 32, 32], Context = small.Context! with { JoinAfter = 3 } };
        using var source = new SplitSpliceNet("seranet", small);
        using var grown = new SplitSpliceNet("seranet", large);
        NetworkGrowth.Grow(source.state_dict(), small, grown.state_dict(), large);
        source.eval();
        grown.eval();

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor photo = (await EvaluationPhotos.RgbTensor("butterfly.png"))[.., .., ..96, ..96];
        Tensor expected = source.call(Padded(photo, small.Padding));
        Tensor actual = grown.call(Padded(photo, large.Padding));
        float largest = expected.sub(actual).abs().max().item<float>();
        Assert.True(largest < 1e-5f, $"the grown network is {largest} from the source");
    }

    private static SplitSpliceNet Grown(SplitSpliceOptions options)
    {
        var net = new SplitSpliceNet("seranet", options);
        CheckpointStore.CopyWeights(ShippedPath, net, options, "the shipped model", "none");
        return net;
    }

    private static string ShippedPath => Path.Combine(RepoModels.Folder, ShippedRgbModel + ".srnv");

    private static async Task<double> PsnrAgainstShipped(SplitSpliceOptions options)
    {
        using var grown = Grown(options);
        using var shipped = RepoModels.Catalog.Load(ShippedRgbModel);
        var trained = shipped.Network.ModuleForm;
        grown.eval();
        trained.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor photo = await EvaluationPhotos.RgbTensor("butterfly.png");
        Tensor grownOut = grown.call(Padded(photo, options.Padding));
        Tensor trainedOut = trained.call(Padded(photo, RgbDeep.Padding));
        // Against the trained output only: bicubic would be far below either bound.
        return 10 * Math.Log10(1.0 / Math.Max(grownOut.sub(trainedOut).square().mean().item<float>(), 1e-12));
    }

    private static Tensor Padded(Tensor photo, int padding) =>
        nn.functional.pad(photo, [padding, padding, padding, padding], PaddingModes.Replicate);
}
