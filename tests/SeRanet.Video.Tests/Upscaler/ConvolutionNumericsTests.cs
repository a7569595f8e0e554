using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// The convolutions our networks run must give the same numbers on every x86-64 CPU. libtorch
/// 2.10's oneDNN computed some NCHW 3x3 convolutions wrongly on Zen 4 class AVX-512 CPUs (24 or 40
/// input channels, 32x32 and up), which the small test images of the other tests never reached.
/// These check every shipped preset's shapes at training sizes against an exact loop, on whatever
/// CPU runs them; .ci/run runs them again with the instruction set capped at AVX2, so both kernel
/// families are covered on an AVX-512 machine.
/// </summary>
[Trait("Category", "Numerics")]
public class ConvolutionNumericsTests
{
    /// <summary>Input side: past the 32x32 where the broken kernels started to err.</summary>
    private const int Side = 38;

    /// <summary>Output channels per group are capped to keep the exact loop quick; inputs are not.</summary>
    private const int MaxOutputsPerGroup = 48;

    public static TheoryData<int, int, int, int, int> PresetShapes()
    {
        var data = new TheoryData<int, int, int, int, int>();
        foreach (var shape in ConvolutionShape.OfPresets())
        {
            data.Add(shape.InChannels, shape.OutChannels, shape.Kernel, shape.Groups, shape.Dilation);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PresetShapes))]
    public void Every_preset_convolution_equals_an_exact_loop_at_training_sizes(int inChannels, int outChannels, int kernel, int groups, int dilation)
    {
        outChannels = Math.Min(outChannels / groups, MaxOutputsPerGroup) * groups;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var generator = new Generator(3);
        // A dilated kernel's input is wider by its gaps, so every shape's output is as large.
        int side = Side + (dilation - 1) * (kernel - 1);
        var input = torch.rand([2, inChannels, side, side], generator: generator);
        var weight = torch.randn([outChannels, inChannels / groups, kernel, kernel], generator: generator);
        var bias = torch.rand([outChannels], generator: generator);

        // The layout every network of ours runs in (see MemoryLayout).
        var actual = nn.functional.conv2d(MemoryLayout.ChannelsLast(input), MemoryLayout.ChannelsLast(weight), bias, dilation: [dilation, dilation], groups: groups)
            .contiguous().data<float>().ToArray();
        var (expected, magnitude) = ExactConvolution(input, weight, bias, groups, dilation);

        // float32 sums of K = C x k x k products err by about sqrt(K) x 6e-8 of the sum of their
        // magnitudes; 2e-6 x that sum, per output, is 10x above that for the widest layer here
        // (K = 6400) and far below the broken kernels' errors (about 40% of the value).
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = 2e-6 * magnitude[i] + 1e-6;
            Assert.True(Math.Abs(actual[i] - expected[i]) <= allowed,
                $"{inChannels}->{outChannels} {kernel}x{kernel} groups {groups} dilation {dilation}: output {i} is {actual[i]}, exactly {expected[i]:G9} (allowed error {allowed:G3})");
        }
    }

    /// <summary>A plain double-precision loop: the definition of the convolution, nothing shared with libtorch.</summary>
    private static (double[] Values, double[] Magnitudes) ExactConvolution(Tensor input, Tensor weight, Tensor bias, int groups, int dilation)
    {
        int n = (int)input.shape[0], inChannels = (int)input.shape[1], side = (int)input.shape[2];
        int outChannels = (int)weight.shape[0], perGroupIn = (int)weight.shape[1], kernel = (int)weight.shape[2];
        int outSide = side - dilation * (kernel - 1), perGroupOut = outChannels / groups;
        float[] x = input.contiguous().data<float>().ToArray();
        float[] w = weight.contiguous().data<float>().ToArray();
        float[] b = bias.data<float>().ToArray();
        double[] values = new double[n * outChannels * outSide * outSide];
        double[] magnitudes = new double[values.Length];
        Parallel.For(0, n * outChannels, plane =>
        {
            int image = plane / outChannels, o = plane % outChannels, group = o / perGroupOut;
            for (int y = 0; y < outSide; y++)
            {
                for (int xo = 0; xo < outSide; xo++)
                {
                    double sum = b[o], magnitude = Math.Abs(b[o]);
                    for (int c = 0; c < perGroupIn; c++)
                    {
                        int channel = group * perGroupIn + c;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            int row = ((image * inChannels + channel) * side + y + dilation * ky) * side + xo;
                            int taps = ((o * perGroupIn + c) * kernel + ky) * kernel;
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                double product = (double)x[row + dilation * kx] * w[taps + kx];
                                sum += product;
                                magnitude += Math.Abs(product);
                            }
                        }
                    }
                    int index = (plane * outSide + y) * outSide + xo;
                    values[index] = sum;
                    magnitudes[index] = magnitude;
                }
            }
        });
        return (values, magnitudes);
    }

    [Fact]
    public void The_self_check_passes_for_every_preset_forward_and_backward_on_this_cpu()
    {
        // Backward where training runs (the module form), forward only where nothing trains: the
        // inference form's single-plane bicubic has a wrong input gradient on an AMD EPYC, which
        // no run ever asks for.
        var training = ConvolutionShape.OfPresets(NetworkForm.Module);
        var inferenceOnly = ConvolutionShape.OfPresets(NetworkForm.Inference).Except(training).ToList();
        var trained = ConvolutionSelfCheck.Run(training);
        var inferred = ConvolutionSelfCheck.Run(inferenceOnly, backward: false);

        Assert.True(trained.Passed, $"{trained.Worst}: relative error {trained.WorstRelativeError:G3}");
        Assert.True(inferred.Passed, $"{inferred.Worst}: relative error {inferred.WorstRelativeError:G3}");
        Assert.Equal(ConvolutionShape.OfPresets().Count, trained.Shapes + inferred.Shapes);
    }

    [Fact]
    public void The_self_check_names_a_wrong_convolution()
    {
        // A stand-in for the broken kernels: right everywhere except layers with 24 inputs, off by 1.0 there.
        ConvolutionSelfCheck.Convolution broken = (input, weight, bias, groups, dilation) =>
        {
            var output = nn.functional.conv2d(input, weight, bias, dilation: [dilation, dilation], groups: groups);
            return input.shape[1] == 24 ? output.add(torch.ones_like(output)) : output;
        };

        var result = ConvolutionSelfCheck.Run(ConvolutionShape.Of(Presets.Get(Presets.SeRanetFastDeep, 1), NetworkForm.Module), broken);

        Assert.False(result.Passed);
        Assert.StartsWith("24->24 3x3", result.Worst, StringComparison.Ordinal);
        Assert.True(result.WorstRelativeError > 0.05, $"{result.WorstRelativeError}");
    }

    [Fact]
    public void The_self_check_catches_wrong_gradients_too()
    {
        // Forward right, backward wrong: the input gradient of the 24-input layers is scaled.
        ConvolutionSelfCheck.Convolution wrongBackward = (input, weight, bias, groups, dilation) =>
        {
            var scaled = input.shape[1] == 24 ? ScaleGradient(input, 1.5) : input;
            return nn.functional.conv2d(scaled, weight, bias, dilation: [dilation, dilation], groups: groups);
        };

        var result = ConvolutionSelfCheck.Run(ConvolutionShape.Of(Presets.Get(Presets.SeRanetFastDeep, 1), NetworkForm.Module), wrongBackward);

        Assert.False(result.Passed);
        Assert.Contains("input gradient", result.Worst, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bf16_self_check_allows_bf16_rounding_and_names_a_wrong_kernel()
    {
        var shapes = ConvolutionShape.Of(Presets.Get(Presets.SeRanetFastDeep, 1), NetworkForm.Inference);
        // What a correct bfloat16 kernel does at worst: float32 arithmetic, each output rounded to bfloat16.
        ConvolutionSelfCheck.Convolution rounded = (input, weight, bias, groups, dilation) =>
            nn.functional.conv2d(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias.to(ScalarType.Float32), dilation: [dilation, dilation], groups: groups)
                .to(ScalarType.BFloat16);
        // What the broken kernels did on an AMD EPYC: wrong for a single input channel.
        ConvolutionSelfCheck.Convolution broken = (input, weight, bias, groups, dilation) =>
        {
            var output = rounded(input, weight, bias, groups, dilation);
            using var factor = 1.5.ToScalar();
            return input.shape[1] == 1 ? output.mul(factor) : output;
        };

        var honest = ConvolutionSelfCheck.Run(shapes, rounded, backward: false, precision: ScalarType.BFloat16);
        var wrong = ConvolutionSelfCheck.Run(shapes, broken, backward: false, precision: ScalarType.BFloat16);

        Assert.True(honest.Passed, $"{honest.Worst}: relative error {honest.WorstRelativeError:G3}");
        Assert.True(honest.WorstRelativeError > 1e-4, "the values were not rounded to bfloat16");
        Assert.False(wrong.Passed);
        Assert.StartsWith("1->", wrong.Worst, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ConvolutionSelfCheck.Run(shapes, backward: true, precision: ScalarType.BFloat16));
    }

    /// <summary>x in the forward pass, with its gradient multiplied by <paramref name="factor"/>.</summary>
    private static Tensor ScaleGradient(Tensor x, double factor)
    {
        using var keep = (1 - factor).ToScalar();
        using var scale = factor.ToScalar();
        return x.mul(scale).add(x.detach().mul(keep), SeRanet.Video.Upscaler.TorchScalars.One);
    }

    // libtorch prints "Could not initialize NNPACK!" twice per frame on CPUs NNPACK does not
    // support; the guard that runs before every network's first call turns NNPACK off.
    [Fact]
    public void The_guard_turns_nnpack_off()
    {
        ConvolutionGuard.EnsureVerified(ConvolutionShape.Of(Presets.Get(Presets.SeRanetFast, 1), NetworkForm.Inference), backward: false);

        Assert.False(NnpackSwitch.IsEnabled);
    }

    [Fact]
    public void With_onednn_switched_off_the_safe_kernels_are_exact()
    {
        Assert.True(OneDnnSwitch.IsEnabled);
        try
        {
            OneDnnSwitch.SetEnabled(false);
            Assert.False(OneDnnSwitch.IsEnabled);

            var result = ConvolutionSelfCheck.Run(ConvolutionShape.Of(Presets.Get(Presets.SeRanetFastDeep, 1), NetworkForm.Module));

            Assert.True(result.Passed, $"{result.Worst}: relative error {result.WorstRelativeError:G3}");
        }
        finally
        {
            OneDnnSwitch.SetEnabled(true);
        }
    }

    public static TheoryData<string, int> Presets_() => new()
    {
        { Presets.SeRanetFast, 1 }, { Presets.SeRanetFastDeep, 1 }, { Presets.SeRanetFastDeep, 3 }, { Presets.SeRanetFastD4, 1 }, { Presets.SeRanetV1, 1 }, { Presets.SeRanetV1, 3 },
        { Presets.SeRanetFastNoFusionD8Context, 3 },
    };

    [Theory]
    [MemberData(nameof(Presets_))]
    public void The_shape_list_is_what_both_forms_run(string preset, int channels)
    {
        var options = Presets.Get(preset, channels);
        using var network = new SplitSpliceNet("net", options);
        using var fused = new FusedSplitSplice(network);

        var moduleShapes = network.modules().OfType<Conv2d>()
            .Select(c => new ConvolutionShape((int)c.weight!.shape[1], (int)c.weight.shape[0], (int)c.weight.shape[2], Dilation: (int)c.dilation[0])).Distinct();

        Assert.Equal(moduleShapes.OrderBy(s => s.ToString()), ConvolutionShape.Of(options, NetworkForm.Module).OrderBy(s => s.ToString()));
        Assert.Equal(fused.ConvolutionShapes.OrderBy(s => s.ToString()), ConvolutionShape.Of(options, NetworkForm.Inference).OrderBy(s => s.ToString()));
    }

    [Fact]
    public void Training_weights_are_channels_last_and_saved_plain()
    {
        using var network = new SplitSpliceNet("net", Presets.Get(Presets.SeRanetFastDeep, 1));
        var weight = network.state_dict()["lrelu_path.conv2.weight"];

        // NHWC strides for [24, 24, 3, 3]: channels innermost.
        Assert.Equal([216L, 1, 72, 24], weight.stride());
    }
}
