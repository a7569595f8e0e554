using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Upscaler;

public class SplitSpliceNetTests
{
    private static readonly SplitSpliceOptions Tiny = new()
    {
        Channels = 3,
        PathWidths = [4, 4],
        PathKernel = 3,
        BranchWidths = [4, 2],
        BranchKernels = [1, 3],
        TailWidths = [2],
        TailKernel = 3,
        Residual = true,
    };

    [Fact]
    public void Splice_puts_each_branch_at_its_sub_pixel_position()
    {
        using var lu = torch.full([1, 1, 2, 3], 1f);
        using var ru = torch.full([1, 1, 2, 3], 2f);
        using var ld = torch.full([1, 1, 2, 3], 3f);
        using var rd = torch.full([1, 1, 2, 3], 4f);

        using var spliced = SplitSpliceNet.Splice(lu, ru, ld, rd);

        Assert.Equal(new long[] { 1, 1, 4, 6 }, spliced.shape);
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(1f, spliced[0, 0, 2 * i, 2 * j].item<float>());
                Assert.Equal(2f, spliced[0, 0, 2 * i, 2 * j + 1].item<float>());
                Assert.Equal(3f, spliced[0, 0, 2 * i + 1, 2 * j].item<float>());
                Assert.Equal(4f, spliced[0, 0, 2 * i + 1, 2 * j + 1].item<float>());
            }
        }
    }

    [Fact]
    public void Splice_keeps_channels_apart()
    {
        using var lu = torch.arange(2f).reshape(1, 2, 1, 1);
        using var other = torch.full([1, 2, 1, 1], -1f);

        using var spliced = SplitSpliceNet.Splice(lu, other, other, other);

        Assert.Equal(0f, spliced[0, 0, 0, 0].item<float>());
        Assert.Equal(1f, spliced[0, 1, 0, 0].item<float>());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(13, 8)]
    public void Output_is_exactly_twice_the_unpadded_input(int width, int height)
    {
        using var net = new SplitSpliceNet("t", Tiny);
        net.eval();
        int p = Tiny.Padding;
        using var input = torch.rand(2, 3, height + 2 * p, width + 2 * p);

        using var output = net.call(input);

        Assert.Equal(new long[] { 2, 3, 2 * height, 2 * width }, output.shape);
        Assert.True(output.min().item<float>() >= 0 && output.max().item<float>() <= 1, "evaluation output is clipped to [0, 1]");
    }

    [Fact]
    public void SeRanet_v1_is_the_seed_network_layer_for_layer()
    {
        var v1 = Presets.Get(Presets.SeRanetV1);
        using var net = new SplitSpliceNet("seranet", v1);

        long parameters = net.parameters().Sum(p => p.numel());

        Assert.Equal(3_302_531, parameters);
        Assert.Equal(9, v1.Padding); // the seed's 9-pixel edge replication
        Assert.False(v1.Residual);
        Assert.Equal(4_635_520, v1.MultiplyAddsPerPixel);
    }

    [Fact]
    public void The_no_fusion_ablation_preset_costs_what_seranet_fast_deep_costs_with_one_path()
    {
        var fusion = Presets.Get(Presets.SeRanetFastDeep, channels: 1);
        var single = Presets.Get(Presets.SeRanetFastDeepNoFusion, channels: 1);
        using var net = new SplitSpliceNet("nofusion", single);

        Assert.False(single.Fusion);
        Assert.DoesNotContain(net.state_dict().Keys, key => key.StartsWith("crbm_path.", StringComparison.Ordinal));
        Assert.Equal(36_816, fusion.MultiplyAddsPerPixel);
        Assert.Equal(36_792, single.MultiplyAddsPerPixel);
        Assert.Equal(fusion.Padding, single.Padding);
    }

    [Fact]
    public void Weight_keys_are_pinned()
    {
        // The keys are the weight file's format: a rename here breaks every shipped model.
        using var net = new SplitSpliceNet("seranet", Presets.Get(Presets.SeRanetV1));
        string[] expected =
        [
            "lrelu_path.conv1.weight", "lrelu_path.conv1.bias", "lrelu_path.conv2.weight", "lrelu_path.conv2.bias", "lrelu_path.conv3.weight", "lrelu_path.conv3.bias",
            "crbm_path.conv1.weight", "crbm_path.conv1.bias", "crbm_path.conv2.weight", "crbm_path.conv2.bias", "crbm_path.conv3.weight", "crbm_path.conv3.bias",
            .. new[] { "lu", "ru", "ld", "rd" }.SelectMany(b => new[] { "conv1", "conv2", "conv3" }.SelectMany(c => new[] { $"branch_{b}.{c}.weight", $"branch_{b}.{c}.bias" })),
            "tail.conv1.weight", "tail.conv1.bias", "tail.conv2.weight", "tail.conv2.bias", "tail.conv3.weight", "tail.conv3.bias",
            "tail.output.weight", "tail.output.bias",
        ];

        Assert.Equal(expected.Order(), net.state_dict().Keys.Order());

        // A context path adds its own keys and leaves the rest as they were.
        using var context = new SplitSpliceNet("seranet", Presets.Get(Presets.SeRanetFastNoFusionD8Context));
        using var plain = new SplitSpliceNet("seranet", Presets.Get(Presets.SeRanetFastNoFusionD8));
        string[] added =
        [
            .. Enumerable.Range(1, 7).SelectMany(i => new[] { $"context_path.conv{i}.weight", $"context_path.conv{i}.bias" }),
            "context_join.weight", "context_join.bias",
        ];
        Assert.Equal(plain.state_dict().Keys.Concat(added).Order(), context.state_dict().Keys.Order());
    }

    [Fact]
    public void No_batch_normalisation_anywhere()
    {
        using var net = new SplitSpliceNet("seranet", Presets.Get(Presets.SeRanetV1));

        Assert.DoesNotContain(net.modules(), m => m.GetType().Name.Contains("BatchNorm", StringComparison.Ordinal));
    }
}
