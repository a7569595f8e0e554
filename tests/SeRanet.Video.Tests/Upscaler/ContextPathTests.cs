using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>A network with a context path must still tile exactly: its padding covers everything it reads.</summary>
[Trait("Category", "Numerics")]
public class ContextPathTests
{
    /// <summary>A small no-fusion network whose context path reaches far past its feature path (radius 11 against 3).</summary>
    private static SplitSpliceOptions Small => Presets.Get(Presets.SeRanetFast, 3) with
    {
        PathWidths = [16, 16],
        Fusion = false,
        Context = new ContextPathOptions { Width = 8, Dilations = [1, 4, 4, 2], JoinAfter = 1 },
    };

    [Fact]
    public void The_padding_covers_the_context_path()
    {
        var options = Small;
        Assert.Equal(options.PathPadding + 11 - 1, options.Padding);
        Assert.Equal(10, options.ContextMargin);
    }

    [Fact]
    public void A_tile_gives_exactly_the_whole_image_s_pixels()
    {
        torch.manual_seed(11);
        var options = Small;
        using var network = new SplitSpliceNet("net", options);
        network.eval();
        using var fused = new FusedSplitSplice(network);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        int p = options.Padding;
        var image = torch.rand(1, 3, 37, 41);
        var padded = nn.functional.pad(image, [p, p, p, p], PaddingModes.Replicate);
        var whole = fused.Forward(padded);

        // A 12x15 tile at (9, 14), its padding cut from the padded whole image.
        var tile = fused.Forward(padded[.., .., TensorIndex.Slice(9, 9 + 12 + 2 * p), TensorIndex.Slice(14, 14 + 15 + 2 * p)]);
        var expected = whole[.., .., TensorIndex.Slice(18, 18 + 24), TensorIndex.Slice(28, 28 + 30)];
        Assert.Equal(expected.shape, tile.shape);
        Assert.True(expected.sub(tile).abs().max().item<float>() < 1e-5f);

        // The context path is read: changing a pixel that only it reaches changes the output.
        var moved = padded.clone();
        int reach = p - options.PathPadding; // inside the context path's reach, outside the feature path's
        moved[0, .., 9 + 12 + 2 * p - reach, 14 + 7 + p] = torch.tensor(new float[] { 1f, 0f, 1f });
        var changed = fused.Forward(moved[.., .., TensorIndex.Slice(9, 9 + 12 + 2 * p), TensorIndex.Slice(14, 14 + 15 + 2 * p)]);
        float difference = changed.sub(tile).abs().max().item<float>();
        Assert.True(difference > 1e-6f, $"the context path does not reach the tile's padding ({difference})");
    }

    [Fact]
    public void The_module_and_the_inference_form_agree_in_bf16_numbers_too()
    {
        torch.manual_seed(12);
        var options = Small;
        using var network = new SplitSpliceNet("net", options);
        network.eval();
        using var fp32 = new FusedSplitSplice(network);
        using var bf16 = new FusedSplitSplice(network, ConvolutionNumbers.Bf16OnFp32Kernels);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var input = torch.rand(1, 3, 20 + 2 * options.Padding, 18 + 2 * options.Padding);

        var expected = network.call(input);
        Assert.True(expected.sub(fp32.Forward(input)).abs().max().item<float>() < 1e-5f);
        // bfloat16's 8-bit mantissa: within a few 8-bit levels, not exact.
        Assert.True(expected.sub(bf16.Forward(input)).abs().max().item<float>() < 0.02f);
    }
}
