using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// The inference form of a trained <see cref="SplitSpliceNet"/>: the same function with fewer,
/// larger operations, laid out for oneDNN's CPU convolutions.
/// <list type="bullet">
/// <item>The four branches run as one convolution per layer (grouped in four after the first).</item>
/// <item>Tensors are channels-last (NHWC): oneDNN runs these narrow convolutions faster that way,
/// and exactly on the CPUs whose NCHW kernels are wrong (see <see cref="Numerics.MemoryLayout"/>).
/// The two feature paths stay separate tensors so that each activation works in place on
/// contiguous memory; a channel slice of an NHWC tensor is strided and several times slower.</item>
/// <item>When nothing but the output convolution follows the splice (the small presets), that
/// convolution and the residual's bicubic 2x are moved in front of the splice as low-resolution
/// convolutions with four outputs per channel, one per sub-pixel position, followed by a pixel
/// shuffle: the same sums, without a full-resolution pass over the branch features.</item>
/// </list>
/// The module stays the training form and the weight-file layout. FusedSplitSpliceTests pins
/// equality with the module.
/// </summary>
public sealed class FusedSplitSplice : IInferenceNetwork
{
    /// <summary>
    /// Most outputs the branches' first layers run as one convolution. oneDNN 3.7.1 computed 1x1
    /// convolutions with 2048 outputs wrongly on an AMD EPYC (relative error 0.3; 512 outputs were
    /// exact), which seranet-v1's four fused branches (4 x 512) would be; the small presets' (4 x 32)
    /// are far below it.
    /// </summary>
    public const int MaxFusedBranchOutputs = 512;

    /// <summary>
    /// Outputs of each convolution that runs the branches' first layers (<paramref name="outputs"/>
    /// in all): all of them in one, or one branch's share in each of four above <see cref="MaxFusedBranchOutputs"/>.
    /// </summary>
    public static int FirstBranchConvolutionOutputs(int outputs) => outputs <= MaxFusedBranchOutputs ? outputs : outputs / 4;

    private readonly SplitSpliceOptions _options;
    private readonly List<(Tensor Weight, Tensor Bias)> _lreluPath = [];
    private readonly List<(Tensor Weight, Tensor Bias)> _sigmoidPath = [];
    private readonly List<(Tensor Weight, Tensor Bias)> _branches = [];
    private readonly List<(Tensor Weight, Tensor Bias)> _tail = [];
    private readonly List<(Tensor Weight, Tensor Bias)> _contextPath = [];
    // At most one layer; a list so the precision conversion and Dispose treat it as every other layer list.
    private readonly List<(Tensor Weight, Tensor Bias)> _contextJoin = [];
    private readonly (Tensor Weight, Tensor Bias)? _outputBeforeSplice;
    private readonly Tensor? _bicubicBeforeSplice;
    private readonly ScalarType _computeType;

    /// <summary>Whether activations are rounded to bfloat16 where bfloat16 kernels would round them (<see cref="ConvolutionNumbers.Bf16OnFp32Kernels"/>).</summary>
    private readonly bool _roundsToBfloat16;

    /// <summary>Copies the weights of <paramref name="network"/>; later changes to it are not seen.</summary>
    /// <param name="numbers">
    /// What the convolutions compute in. With bfloat16 (on either kernels) the input is
    /// converted once, and the residual's bicubic, the sum and the clip stay float32: the
    /// residual carries most of each output value, and bfloat16's 8-bit mantissa would round it
    /// more coarsely than the 8-bit image itself.
    /// </param>
    public FusedSplitSplice(SplitSpliceNet network, ConvolutionNumbers numbers = ConvolutionNumbers.Fp32)
    {
        if (!Enum.IsDefined(numbers))
        {
            throw new ArgumentOutOfRangeException(nameof(numbers), numbers, "Unknown convolution numbers.");
        }
        _options = network.Options;
        _computeType = numbers == ConvolutionNumbers.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        _roundsToBfloat16 = numbers == ConvolutionNumbers.Bf16OnFp32Kernels;
        var weights = network.state_dict();
        using var noGrad = torch.no_grad();
        // Frees the intermediate copies and views; the tensors kept are detached from it (Owned).
        using var scope = torch.NewDisposeScope();
        for (int i = 1; i <= _options.PathWidths.Count; i++)
        {
            _lreluPath.Add(Stack(weights, ["lrelu_path"], $"conv{i}"));
            if (_options.Fusion)
            {
                _sigmoidPath.Add(Stack(weights, ["crbm_path"], $"conv{i}"));
            }
        }
        if (_options.Context is { } context)
        {
            for (int i = 1; i <= context.Dilations.Count; i++)
            {
                _contextPath.Add(Stack(weights, ["context_path"], $"conv{i}"));
            }
            _contextJoin.Add(Stack(weights, ["context_join"]));
        }
        string[] branches = ["branch_lu", "branch_ru", "branch_ld", "branch_rd"];
        for (int i = 1; i <= _options.BranchWidths.Count; i++)
        {
            _branches.Add(Stack(weights, branches, $"conv{i}"));
        }
        // Forward uses the sub-pixel bicubic only before the splice; with a tail, exporters still
        // need it (Layers), where torch's interpolate has no exact counterpart.
        _bicubicBeforeSplice = _options.Residual ? SubPixelBicubic(_options.Channels, weights["tail.output.weight"].device) : null;
        if (_options.TailWidths.Count == 0)
        {
            _outputBeforeSplice = SubPixelOutput(weights["tail.output.weight"], weights["tail.output.bias"]);
        }
        else
        {
            for (int i = 1; i <= _options.TailWidths.Count; i++)
            {
                _tail.Add(Stack(weights, ["tail"], $"conv{i}"));
            }
            _tail.Add(Stack(weights, ["tail"], "output"));
        }
        if (numbers != ConvolutionNumbers.Fp32)
        {
            foreach (var layers in new[] { _lreluPath, _sigmoidPath, _branches, _tail, _contextPath, _contextJoin })
            {
                for (int i = 0; i < layers.Count; i++)
                {
                    layers[i] = ToComputeType(layers[i]);
                }
            }
            _outputBeforeSplice = _outputBeforeSplice is { } folded ? ToComputeType(folded) : null;
        }
    }

    /// <summary>A float32 layer as a <see cref="_computeType"/> one (rounded to bfloat16 either way), freeing the float32 copy.</summary>
    private (Tensor Weight, Tensor Bias) ToComputeType((Tensor Weight, Tensor Bias) layer)
    {
        var converted = (Owned(ChannelsLast(layer.Weight.to(ScalarType.BFloat16).to(_computeType))), Owned(layer.Bias.to(ScalarType.BFloat16).to(_computeType)));
        layer.Weight.Dispose();
        layer.Bias.Dispose();
        return converted;
    }

    /// <summary>
    /// The layers <see cref="Forward"/> runs, for writing the same function in another format
    /// (ONNX): the folded weights, their groups and the crops, so no exporter repeats the fold.
    /// The tensors stay owned by this instance.
    /// </summary>
    public FusedLayers Layers
    {
        get
        {
            // The feature path reads the padded input less the context path's margin.
            var (padding, radius) = (_options.Padding - _options.ContextMargin, _options.LowResolutionRadius);
            int outputReach = _outputBeforeSplice is { } output ? (int)output.Weight.shape[2] / 2 : 0;
            return new FusedLayers
            {
                Options = _options,
                LeakyPath = _lreluPath.Select(layer => new FusedConvolution(layer.Weight, layer.Bias, 1)).ToList(),
                SigmoidPath = _sigmoidPath.Select(layer => new FusedConvolution(layer.Weight, layer.Bias, 1)).ToList(),
                Branches = _branches.Select((layer, i) => new FusedConvolution(layer.Weight, layer.Bias, i == 0 ? 1 : 4)).ToList(),
                Tail = _tail.Select(layer => new FusedConvolution(layer.Weight, layer.Bias, 1)).ToList(),
                ContextPath = _contextPath.Select((layer, i) => new FusedConvolution(layer.Weight, layer.Bias, 1, _options.Context!.Dilations[i])).ToList(),
                ContextJoin = _contextJoin.Select(layer => new FusedConvolution(layer.Weight, layer.Bias, 1)).SingleOrDefault(),
                OutputBeforeSplice = _outputBeforeSplice is { } folded ? new FusedConvolution(folded.Weight, folded.Bias, 1) : null,
                BicubicBeforeSplice = _bicubicBeforeSplice is { } bicubic ? new FusedConvolution(bicubic, null, _options.Channels) : null,
                // Forward's CenterCrop offsets, which do not depend on the input size: the
                // branches leave H + 2(P - radius) rows and the folded output needs H + 2 reach.
                OutputCrop = padding - radius - outputReach,
                BicubicMargin = _options.Padding - SubPixelBicubicRadius,
                // The splice doubles H + 2(P - radius); the tail takes its own radius off each side.
                TailCrop = 2 * (padding - radius) - _options.HighResolutionRadius,
                // The context path leaves H + 2(P - its radius); the feature path has H + 2(P - margin
                // - JoinAfter x its radius) where the join adds to it.
                ContextJoinCrop = _options.Context is { } context
                    ? _options.ContextMargin + context.JoinAfter * (_options.PathKernel / 2) - context.Radius
                    : 0,
            };
        }
    }

    /// <summary>The convolutions <see cref="Forward"/> runs, for the numerics tests and checks: <see cref="Layers"/> less what only exporters use.</summary>
    public IReadOnlyList<Numerics.ConvolutionShape> ConvolutionShapes
    {
        get
        {
            var layers = Layers;
            var firstBranch = Shape(layers.Branches[0]);
            var shapes = layers.LeakyPath.Concat(layers.SigmoidPath).Concat(layers.ContextPath).Concat(layers.ContextJoin is { } join ? [join] : []).Select(Shape)
                .Append(firstBranch with { OutChannels = FirstBranchConvolutionOutputs(firstBranch.OutChannels) })
                .Concat(layers.Branches.Skip(1).Concat(layers.Tail).Select(Shape))
                .ToList();
            if (layers.OutputBeforeSplice is { } output)
            {
                shapes.Add(Shape(output));
            }
            if (layers.OutputBeforeSplice is not null && layers.BicubicBeforeSplice is not null)
            {
                // Forward runs it one plane at a time (PlaneBicubic); with a tail, it takes the
                // residual from torch's interpolate instead, not from this convolution.
                shapes.Add(Numerics.ConvolutionShape.PlaneBicubic);
            }
            return shapes.Distinct().ToList();
        }
    }

    private static Numerics.ConvolutionShape Shape(FusedConvolution c) =>
        new((int)c.Weight.shape[1] * c.Groups, (int)c.Weight.shape[0], (int)c.Weight.shape[2], c.Groups, c.Dilation);

    /// <param name="input">[N, C, H + 2P, W + 2P] on the device the network's weights were on.</param>
    /// <returns>[N, C, 2H, 2W], clipped to [0, 1], in the caller's dispose scope.</returns>
    public Tensor Forward(Tensor input)
    {
        int padding = _options.Padding;
        long outHeight = 2 * (input.shape[2] - 2 * padding);
        long outWidth = 2 * (input.shape[3] - 2 * padding);
        if (outHeight < 2 || outWidth < 2)
        {
            throw new ArgumentException($"Input {input.shape[3]}x{input.shape[2]} is smaller than the network's context ({padding} px per side).");
        }
        input = ChannelsLast(input);
        Tensor features = Rounded(_computeType == input.dtype ? input : input.to(_computeType));

        Tensor? joined = _options.Context is { } context ? ContextFeatures(features, context) : null;
        int contextMargin = _options.ContextMargin;
        Tensor lrelu = CenterCrop(features, features.shape[2] - 2 * contextMargin, features.shape[3] - 2 * contextMargin);
        Tensor sigmoid = features;
        for (int i = 0; i < _lreluPath.Count; i++)
        {
            lrelu = Rounded(Rounded(nn.functional.conv2d(lrelu, _lreluPath[i].Weight, _lreluPath[i].Bias)).leaky_relu_(TorchScalars.LeakySlope));
            if (joined is not null && i + 1 == _options.Context!.JoinAfter)
            {
                lrelu = Rounded(lrelu.add_(CenterCrop(joined, lrelu.shape[2], lrelu.shape[3]), TorchScalars.One));
            }
            if (_options.Fusion)
            {
                sigmoid = Rounded(Rounded(nn.functional.conv2d(sigmoid, _sigmoidPath[i].Weight, _sigmoidPath[i].Bias)).sigmoid_());
            }
        }
        Tensor x = _options.Fusion ? torch.cat([lrelu, sigmoid], dim: 1) : lrelu;

        // Branches: channels [k b, (k + 1) b) belong to branch k = lu, ru, ld, rd.
        for (int i = 0; i < _branches.Count; i++)
        {
            x = Rounded(i == 0 ? FirstBranchLayer(x, _branches[0]) : nn.functional.conv2d(x, _branches[i].Weight, _branches[i].Bias, groups: 4));
            x = Rounded(x.leaky_relu_(TorchScalars.LeakySlope));
        }

        if (_outputBeforeSplice is { } output)
        {
            // Channel 4c + 2dy + dx of the result is output channel c at sub-pixel (dy, dx), the
            // order pixel_shuffle reads. The padding rule normally leaves exactly the context needed.
            long reach = output.Weight.shape[2] - 1;
            x = Rounded(nn.functional.conv2d(CenterCrop(x, outHeight / 2 + reach, outWidth / 2 + reach), output.Weight, output.Bias)).to(input.dtype);
            if (_bicubicBeforeSplice is { } bicubic)
            {
                long margin = padding - SubPixelBicubicRadius;
                Tensor around = input[.., .., TensorIndex.Slice(margin, input.shape[2] - margin), TensorIndex.Slice(margin, input.shape[3] - margin)];
                x.add_(PlaneBicubic(around, bicubic), TorchScalars.One);
            }
            return nn.functional.pixel_shuffle(x, 2).clamp_(TorchScalars.Zero, TorchScalars.One);
        }

        x = Splice(x);
        for (int i = 0; i < _tail.Count; i++)
        {
            x = Rounded(nn.functional.conv2d(x, _tail[i].Weight, _tail[i].Bias));
            if (i < _tail.Count - 1)
            {
                x = Rounded(x.leaky_relu_(TorchScalars.LeakySlope));
            }
        }
        x = CenterCrop(x, outHeight, outWidth).to(input.dtype);
        if (_options.Residual)
        {
            Tensor upscaled = nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bicubic, align_corners: false);
            x = x.add(CenterCrop(upscaled, outHeight, outWidth), TorchScalars.One);
        }
        return x.clamp_(TorchScalars.Zero, TorchScalars.One);
    }

    /// <summary>The context path over the whole padded input, through its 1x1 join: what the feature path adds after layer <see cref="ContextPathOptions.JoinAfter"/>.</summary>
    private Tensor ContextFeatures(Tensor features, ContextPathOptions context)
    {
        Tensor x = features;
        for (int i = 0; i < _contextPath.Count; i++)
        {
            x = nn.functional.conv2d(x, _contextPath[i].Weight, _contextPath[i].Bias, dilation: [context.Dilations[i], context.Dilations[i]]);
            x = Rounded(Rounded(x).leaky_relu_(TorchScalars.LeakySlope));
        }
        return Rounded(nn.functional.conv2d(x, _contextJoin[0].Weight, _contextJoin[0].Bias));
    }

    /// <summary>
    /// <paramref name="x"/> rounded to bfloat16 (and held in float32) under <see cref="ConvolutionNumbers.Bf16OnFp32Kernels"/>,
    /// as a bfloat16 kernel's output is rounded; unchanged otherwise. Rounding is to nearest, ties to
    /// even, as oneDNN and libtorch both round.
    /// </summary>
    private Tensor Rounded(Tensor x) => _roundsToBfloat16 ? x.to(ScalarType.BFloat16).to(ScalarType.Float32) : x;

    /// <summary>
    /// The four branches' first layers, which all read the same features: one convolution, or
    /// one per branch when that one would have more than <see cref="MaxFusedBranchOutputs"/> outputs
    /// (<see cref="FirstBranchConvolutionOutputs"/>).
    /// </summary>
    private static Tensor FirstBranchLayer(Tensor features, (Tensor Weight, Tensor Bias) layer)
    {
        int outputs = (int)layer.Weight.shape[0];
        int perConvolution = FirstBranchConvolutionOutputs(outputs);
        if (perConvolution == outputs)
        {
            return nn.functional.conv2d(features, layer.Weight, layer.Bias);
        }
        var branches = Enumerable.Range(0, outputs / perConvolution)
            .Select(k => TensorIndex.Slice(k * perConvolution, (k + 1) * perConvolution))
            .Select(rows => nn.functional.conv2d(features, layer.Weight[rows], layer.Bias[rows]))
            .ToList();
        return torch.cat(branches, dim: 1);
    }

    /// <summary>
    /// The grouped bicubic convolution (weight [4C, 1, 5, 5], the same four rows for every
    /// channel), run as one single-channel convolution over the C planes stacked into the batch.
    /// </summary>
    /// <remarks>
    /// Grouped, oneDNN 3.7.1 computes it wrongly on some AVX-512 CPUs (an AMD EPYC: relative error
    /// 0.3 for 3 groups, so the self-check turned oneDNN off for every RGB model there), while the
    /// single-channel form is exact. Output channel 4c + k of the grouped form is plane c's output
    /// k, which is the order the reshape back gives.
    /// </remarks>
    private static Tensor PlaneBicubic(Tensor input, Tensor bicubic)
    {
        long n = input.shape[0], channels = input.shape[1], height = input.shape[2], width = input.shape[3];
        Tensor planes = input.reshape(n * channels, 1, height, width);
        Tensor subPixels = nn.functional.conv2d(planes, bicubic[TensorIndex.Slice(0, 4)]);
        return subPixels.reshape(n, 4 * channels, subPixels.shape[2], subPixels.shape[3]);
    }

    /// <summary>
    /// [N, 4B, h, w] with branch k in channels [kB, (k + 1)B) to [N, B, 2h, 2w], branch
    /// k = 2 dy + dx at sub-pixel (dy, dx): the same placement as <see cref="SplitSpliceNet.Splice"/>.
    /// </summary>
    private static Tensor Splice(Tensor branches)
    {
        long n = branches.shape[0], channels = branches.shape[1] / 4, height = branches.shape[2], width = branches.shape[3];
        return branches.reshape(n, 2, 2, channels, height, width)
            .permute(0, 3, 4, 1, 5, 2)
            .reshape(n, channels, 2 * height, 2 * width);
    }

    /// <summary>
    /// The full-resolution output convolution (weight [C, B, K, K]) over the spliced branches, as a
    /// low-resolution convolution over the unspliced ones (weight [4C, 4B, K', K']). Output
    /// sub-pixel (dy, dx), tap (ky, kx) reads spliced row dy + ky: branch row offset
    /// floor((dy + ky) / 2), from the branch at sub-pixel row (dy + ky) mod 2; likewise for columns.
    /// </summary>
    private static (Tensor Weight, Tensor Bias) SubPixelOutput(Tensor weight, Tensor bias)
    {
        int channels = (int)weight.shape[0], width = (int)weight.shape[1], kernel = (int)weight.shape[2];
        int radius = kernel / 2;
        int lowRadius = (radius + 1) / 2;
        int lowKernel = 2 * lowRadius + 1;
        float[] source = weight.to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
        float[] folded = new float[4 * channels * 4 * width * lowKernel * lowKernel];
        for (int c = 0; c < channels; c++)
        for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++)
        for (int ky = -radius; ky <= radius; ky++)
        for (int kx = -radius; kx <= radius; kx++)
        {
            int row = dy + ky, column = dx + kx;
            int branch = 2 * FloorMod2(row) + FloorMod2(column);
            int oy = FloorHalf(row) + lowRadius, ox = FloorHalf(column) + lowRadius;
            for (int m = 0; m < width; m++)
            {
                int target = (((4 * c + 2 * dy + dx) * 4 * width + branch * width + m) * lowKernel + oy) * lowKernel + ox;
                folded[target] += source[((c * width + m) * kernel + ky + radius) * kernel + kx + radius];
            }
        }
        Tensor foldedWeight = torch.tensor(folded, [4L * channels, 4L * width, lowKernel, lowKernel], device: weight.device);
        Tensor foldedBias = bias.repeat_interleave(4L);
        return (Owned(ChannelsLast(foldedWeight)), Owned(foldedBias));
    }

    private const int SubPixelBicubicRadius = 2;

    /// <summary>
    /// torch's bicubic 2x (align_corners false) as a grouped low-resolution convolution with
    /// four outputs per channel, [4C, 1, 5, 5], read off the interpolation of a unit impulse so it
    /// matches torch's own coefficients exactly. Sub-pixel 0 of input pixel i samples at i - 1/4
    /// (taps i - 2 .. i + 1), sub-pixel 1 at i + 1/4 (taps i - 1 .. i + 2).
    /// </summary>
    private static Tensor SubPixelBicubic(int channels, Device device)
    {
        const int size = 2 * SubPixelBicubicRadius + 5, centre = size / 2, taps = 2 * SubPixelBicubicRadius + 1;
        using var scope = torch.NewDisposeScope();
        var impulse = torch.zeros(1, 1, size, size);
        impulse[0, 0, centre, centre] = torch.tensor(1f);
        float[] response = nn.functional.interpolate(impulse, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bicubic, align_corners: false)
            .contiguous().data<float>().ToArray();
        float[] kernel = new float[4 * taps * taps];
        for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++)
        for (int oy = -SubPixelBicubicRadius; oy <= SubPixelBicubicRadius; oy++)
        for (int ox = -SubPixelBicubicRadius; ox <= SubPixelBicubicRadius; ox++)
        {
            // The output at input position centre - o reads the impulse at offset +o.
            int outRow = 2 * (centre - oy) + dy, outColumn = 2 * (centre - ox) + dx;
            kernel[((2 * dy + dx) * taps + oy + SubPixelBicubicRadius) * taps + ox + SubPixelBicubicRadius] = response[outRow * 2 * size + outColumn];
        }
        Tensor single = torch.tensor(kernel, [4L, 1, taps, taps]);
        return Owned(ChannelsLast(single.repeat(channels, 1, 1, 1).to(device)));
    }

    private static int FloorHalf(int value) => (int)Math.Floor(value / 2.0);

    private static int FloorMod2(int value) => ((value % 2) + 2) % 2;

    private static Tensor CenterCrop(Tensor x, long height, long width)
    {
        long top = (x.shape[2] - height) / 2;
        long left = (x.shape[3] - width) / 2;
        return x.shape[2] == height && x.shape[3] == width
            ? x
            : x[.., .., TensorIndex.Slice(top, top + height), TensorIndex.Slice(left, left + width)];
    }

    private static Tensor ChannelsLast(Tensor x) => Numerics.MemoryLayout.ChannelsLast(x);

    /// <summary>The layer <paramref name="layer"/> of each module, stacked along output channels.</summary>
    private static (Tensor Weight, Tensor Bias) Stack(Dictionary<string, Tensor> weights, string[] modules, string? layer = null)
    {
        string Key(string module, string parameter) => layer is null ? $"{module}.{parameter}" : $"{module}.{layer}.{parameter}";
        return (Owned(ChannelsLast(Copy(modules.Select(m => weights[Key(m, "weight")]).ToArray()))),
                Owned(Copy(modules.Select(m => weights[Key(m, "bias")]).ToArray())));
    }

    // The fused form must own copies: TorchSharp's cat hands a single tensor back as it is, and
    // ChannelsLast copies only when the strides change.
    private static Tensor Copy(Tensor[] parts) => parts.Length == 1 ? parts[0].clone() : torch.cat(parts, 0);

    private static Tensor Owned(Tensor tensor) => tensor.DetachFromDisposeScope();

    public void Dispose()
    {
        var owned = _lreluPath.Concat(_sigmoidPath).Concat(_branches).Concat(_tail).Concat(_contextPath).Concat(_contextJoin).SelectMany(layer => new[] { layer.Weight, layer.Bias }).ToList();
        if (_outputBeforeSplice is { } output)
        {
            owned.AddRange([output.Weight, output.Bias]);
        }
        if (_bicubicBeforeSplice is { } bicubic)
        {
            owned.Add(bicubic);
        }
        foreach (var tensor in owned)
        {
            tensor.Dispose();
        }
    }
}
