using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
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
    public void Bf16_on_bfloat16_kernels_and_on_float32_kernels_agree_and_round_the_context_path_too()
    {
        torch.manual_seed(12);
        var options = Small;
        using var network = new SplitSpliceNet("net", options);
        network.eval();
        using var fp32 = new FusedSplitSplice(network);
        using var native = new FusedSplitSplice(network, ConvolutionNumbers.Bf16);
        using var emulated = new FusedSplitSplice(network, ConvolutionNumbers.Bf16OnFp32Kernels);
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var input = torch.rand(1, 3, 20 + 2 * options.Padding, 18 + 2 * options.Padding);

        var expected = network.call(input);
        var reference = fp32.Forward(input);
        Assert.True(expected.sub(reference).abs().max().item<float>() < 1e-5f);
        // Both sum the same bfloat16 products in float32, in different orders.
        var onBf16 = native.Forward(input);
        var onFp32 = emulated.Forward(input);
        float apart = onBf16.sub(onFp32).abs().mean().item<float>();
        float fromFp32 = onBf16.sub(reference).abs().mean().item<float>();
        Assert.True(onBf16.sub(onFp32).abs().max().item<float>() < 1f / 255, "bf16 on float32 kernels is a level or more from bf16 kernels");
        // Rounding shows, and the emulation rounds where the kernels round (the context path's
        // layers included): its distance to the kernels' result is far below bfloat16's own.
        Assert.True(fromFp32 > 10 * apart, $"bf16 is {fromFp32:G3} from fp32 on average, its two forms {apart:G3} apart");
    }

    [Fact]
    public void A_model_file_keeps_the_context_path()
    {
        torch.manual_seed(13);
        var options = Small;
        using var temp = new TempFolder();
        string path = temp.File("context.srnv");
        using (var network = new SplitSpliceNet("net", options))
        {
            ModelFile.Save(path, network, ModelFile.HeaderFor("context", options, ColorMode.Rgb));
        }
        Assert.Contains("\"dilations\"", ModelFile.ReadHeader(path).ArchitectureOptions.GetRawText(), StringComparison.Ordinal);

        using var loaded = ModelFile.Load(path);
        var read = ArchitectureRegistry.SplitSpliceOptionsOf(loaded.Header);
        Assert.Equal(options.Context!.Dilations, read.Context!.Dilations);
        Assert.Equal((options.Context.Width, options.Context.JoinAfter), (read.Context.Width, read.Context.JoinAfter));
        Assert.Equal(options.Padding, loaded.Network.Padding);
        Assert.Contains("context_join.weight", loaded.Network.ModuleForm.state_dict().Keys);
        // A network without one writes nothing for it: older files' headers stay as they were.
        Assert.DoesNotContain("context", ArchitectureRegistry.OptionsJson(Presets.Get(Presets.SeRanetFastNoFusionD8)).GetRawText(), StringComparison.Ordinal);
    }
}
