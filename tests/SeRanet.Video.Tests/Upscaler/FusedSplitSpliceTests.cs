using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>The inference form must compute exactly what the trained module computes.</summary>
[Trait("Category", "Numerics")]
public class FusedSplitSpliceTests
{
    public static TheoryData<string, int> Shapes() => new()
    {
        { Presets.SeRanetFast, 1 },
        { Presets.SeRanetFast, 3 },
        { Presets.SeRanetFastDeep, 1 },
        { Presets.SeRanetFastDeep, 3 },
        { Presets.SeRanetFastD4, 1 },
        { Presets.SeRanetFastDeepNoFusion, 1 },
        { Presets.SeRanetV1, 3 },
        { Presets.SeRanetFastNoFusionD8Context, 3 },
    };

    /// <summary>
    /// Every preset at two sizes: small and odd (crops, splice and batching all show), and at
    /// training sizes, past the 32x32 where some CPUs' NCHW kernels went wrong (both forms run
    /// channels-last, so they must still agree there).
    /// </summary>
    public static TheoryData<string, int, int, int> ShapesAndSizes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var row in Shapes())
        {
            var (preset, channels) = ((string)row[0], (int)row[1]);
            data.Add(preset, channels, 13, 10);
            data.Add(preset, channels, 40, 36);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndSizes))]
    public void Fused_form_equals_the_module(string preset, int channels, int height, int width)
    {
        torch.manual_seed(7);
        var options = Presets.Get(preset, channels);
        using var network = new SplitSpliceNet("net", options);
        network.eval();
        using var fused = new FusedSplitSplice(network);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var input = torch.rand(2, channels, height + 2 * options.Padding, width + 2 * options.Padding);

        var expected = network.call(input);
        var actual = fused.Forward(input);

        Assert.Equal(expected.shape, actual.shape);
        float error = expected.sub(actual).abs().max().item<float>();
        Assert.True(error < 1e-5f, $"fused differs from the module by {error * 255:F4}/255");
    }

    /// <summary>
    /// Shapes the presets do not have, for the folded output convolution and bicubic: other kernel
    /// sizes, no residual, no fusion, and the smallest padding (2, raised by the residual's rule).
    /// </summary>
    public static TheoryData<string> FoldingShapes() => new()
    {
        "tail kernel 1", "tail kernel 5", "tail kernel 7 residual", "no fusion", "padding 2", "padding 2 tail kernel 3", "short context", "context with a tail",
    };

    private static SplitSpliceOptions FoldingShape(string name)
    {
        var small = Presets.Get(Presets.SeRanetFast, 1);
        return name switch
        {
            "tail kernel 1" => small with { TailKernel = 1, Residual = false },
            "tail kernel 5" => small with { TailKernel = 5, Residual = false },
            "tail kernel 7 residual" => small with { TailKernel = 7, Channels = 3 },
            "no fusion" => small with { Fusion = false },
            "padding 2" => small with { PathWidths = [4], PathKernel = 1, BranchWidths = [4], BranchKernels = [1], TailKernel = 1 },
            "padding 2 tail kernel 3" => small with { PathWidths = [4], PathKernel = 1, BranchWidths = [4], BranchKernels = [1], TailKernel = 3 },
            // A context path that reaches no farther than the feature path: its output is cropped, not the path's input.
            "short context" => small with { Fusion = false, PathWidths = [8, 8, 8], Context = new ContextPathOptions { Width = 4, Dilations = [1], JoinAfter = 3 } },
            // One that reaches farther, before a tail after the splice (the unfolded output).
            "context with a tail" => small with { Fusion = false, TailWidths = [4], Context = new ContextPathOptions { Width = 4, Dilations = [2, 3], JoinAfter = 1 } },
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(FoldingShapes))]
    public void Folded_output_equals_the_module_for_other_shapes(string shape)
    {
        torch.manual_seed(11);
        var options = FoldingShape(shape);
        using var network = new SplitSpliceNet("net", options);
        network.eval();
        using var fused = new FusedSplitSplice(network);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var input = torch.rand(2, options.Channels, 9 + 2 * options.Padding, 12 + 2 * options.Padding);

        var expected = network.call(input);
        var actual = fused.Forward(input);

        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.sub(actual).abs().max().item<float>() < 1e-5f, shape);
    }

    [Fact]
    public void Fused_form_keeps_the_weights_it_was_built_from()
    {
        var options = Presets.Get(Presets.SeRanetFast, 1);
        using var network = new SplitSpliceNet("net", options);
        network.eval();
        using var fused = new FusedSplitSplice(network);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var input = torch.rand(1, 1, 8 + 2 * options.Padding, 8 + 2 * options.Padding);
        var before = fused.Forward(input).clone();

        using (torch.no_grad())
        {
            foreach (var parameter in network.parameters())
            {
                parameter.zero_();
            }
        }

        Assert.True(before.eq(fused.Forward(input)).all().item<bool>());
    }
}
