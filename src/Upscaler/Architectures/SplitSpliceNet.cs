using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// The SeRanet split/fusion/splice network at any width and depth. Field names are the keys
/// of the weight file; SplitSpliceNetTests.Weight_keys_are_pinned pins them.
/// </summary>
/// <remarks>
/// Every convolution is unpadded, as in the seed: the caller supplies the input already
/// edge-replicated by <see cref="SplitSpliceOptions.Padding"/> pixels, which is what makes a tile
/// with that much context give exactly the pixels the whole image would.
/// </remarks>
public sealed class SplitSpliceNet : nn.Module<Tensor, Tensor>, IUpscalingNetwork
{
    private readonly Sequential lrelu_path;
    private readonly Sequential? crbm_path;
    private readonly Sequential branch_lu;
    private readonly Sequential branch_ru;
    private readonly Sequential branch_ld;
    private readonly Sequential branch_rd;
    private readonly Sequential tail;
    private readonly Sequential? context_path;
    private readonly Conv2d? context_join;

    public SplitSpliceNet(string name, SplitSpliceOptions options)
        : base(name)
    {
        options.Validate();
        Options = options;

        lrelu_path = Path(options, new LeakyRelu("act"));
        crbm_path = options.Fusion ? Path(options, nn.Sigmoid()) : null;
        int fused = options.PathWidths[^1] * (options.Fusion ? 2 : 1);
        branch_lu = Branch(options, fused);
        branch_ru = Branch(options, fused);
        branch_ld = Branch(options, fused);
        branch_rd = Branch(options, fused);
        tail = Tail(options);
        if (options.Context is { } context)
        {
            context_path = ContextPath(options.Channels, context);
            context_join = nn.Conv2d(context.Width, options.PathWidths[context.JoinAfter - 1], 1);
        }

        RegisterComponents();
        UseChannelsLastWeights();
    }

    public SplitSpliceOptions Options { get; }

    public nn.Module<Tensor, Tensor> ModuleForm => this;

    public string Architecture => ArchitectureRegistry.SplitSplice;

    public int Channels => Options.Channels;

    public int Padding => Options.Padding;

    public long MultiplyAddsPerPixel => Options.MultiplyAddsPerPixel;

    public long ActivationFloatsPerPixel => Options.ActivationFloatsPerPixel;

    public IReadOnlyList<Numerics.ConvolutionShape> ConvolutionShapes(Numerics.NetworkForm form) => Numerics.ConvolutionShape.Of(Options, form);

    public IInferenceNetwork CreateInferenceForm(ConvolutionNumbers numbers = ConvolutionNumbers.Fp32) => new FusedSplitSplice(this, numbers);

    /// <summary>
    /// Stores every convolution weight channels-last, as PyTorch's
    /// <c>model.to(memory_format=torch.channels_last)</c> does: libtorch then runs each convolution,
    /// forward and backward, on oneDNN's NHWC kernels whatever layout its input has. NCHW kernels
    /// are wrong on some AVX-512 CPUs (see <see cref="Numerics.MemoryLayout"/>). The weight file keeps
    /// the plain layout: saving makes each tensor contiguous, loading copies values into these.
    /// </summary>
    private void UseChannelsLastWeights()
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d convolution && convolution.weight is { } weight)
            {
                convolution.weight = new Parameter(Numerics.MemoryLayout.ChannelsLast(weight.detach()), requires_grad: true);
            }
        }
    }

    /// <param name="input">[N, C, H + 2P, W + 2P], values in [0, 1], P = Options.Padding.</param>
    /// <returns>[N, C, 2H, 2W]; clipped to [0, 1] outside training.</returns>
    public override Tensor forward(Tensor input)
    {
        int padding = Options.Padding;
        long outHeight = 2 * (input.shape[2] - 2 * padding);
        long outWidth = 2 * (input.shape[3] - 2 * padding);
        if (outHeight < 2 || outWidth < 2)
        {
            throw new ArgumentException($"Input {input.shape[3]}x{input.shape[2]} is smaller than the network's context ({padding} px per side).");
        }

        input = Numerics.MemoryLayout.ChannelsLast(input);
        Tensor features = context_path is not null ? PathWithContext(input)
            : crbm_path is null ? lrelu_path.call(input)
            : torch.cat([lrelu_path.call(input), crbm_path.call(input)], dim: 1);

        Tensor spliced = Splice(branch_lu.call(features), branch_ru.call(features), branch_ld.call(features), branch_rd.call(features));
        Tensor output = CenterCrop(tail.call(spliced), outHeight, outWidth);

        if (Options.Residual)
        {
            Tensor upscaled = nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bicubic, align_corners: false);
            output = output.add(CenterCrop(upscaled, outHeight, outWidth), TorchScalars.One);
        }
        return training ? output : Imaging.ColorSpaces.ClipUnit(output);
    }

    /// <summary>
    /// The feature path over the padded input less <see cref="SplitSpliceOptions.ContextMargin"/>,
    /// with the context path's joined features added after layer <see cref="ContextPathOptions.JoinAfter"/>.
    /// </summary>
    private Tensor PathWithContext(Tensor input)
    {
        var context = Options.Context!;
        Tensor joined = context_join!.call(context_path!.call(input));
        int margin = Options.ContextMargin;
        Tensor x = CenterCrop(input, input.shape[2] - 2 * margin, input.shape[3] - 2 * margin);
        int layer = 0;
        foreach (var (_, module) in lrelu_path.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)module).call(x);
            // Children alternate convolution, activation: the join follows the activation.
            if (++layer == 2 * context.JoinAfter)
            {
                x = x.add(CenterCrop(joined, x.shape[2], x.shape[3]), TorchScalars.One);
            }
        }
        return x;
    }

    /// <summary>
    /// Interleaves four maps into one of twice the size: (2i, 2j) from lu, (2i, 2j+1) from ru,
    /// (2i+1, 2j) from ld and (2i+1, 2j+1) from rd.
    /// </summary>
    public static Tensor Splice(Tensor lu, Tensor ru, Tensor ld, Tensor rd)
    {
        // pixel_shuffle reads sub-pixel (i, j) of channel c from input channel 4c + 2i + j.
        Tensor stacked = torch.stack([lu, ru, ld, rd], dim: 2);
        long[] shape = lu.shape;
        return nn.functional.pixel_shuffle(stacked.reshape(shape[0], shape[1] * 4, shape[2], shape[3]), 2);
    }

    private static Tensor CenterCrop(Tensor x, long height, long width)
    {
        long top = (x.shape[2] - height) / 2;
        long left = (x.shape[3] - width) / 2;
        return top == 0 && left == 0 && x.shape[2] == height && x.shape[3] == width
            ? x
            : x[.., .., TensorIndex.Slice(top, top + height), TensorIndex.Slice(left, left + width)];
    }

    private static Sequential Path(SplitSpliceOptions options, nn.Module<Tensor, Tensor> activation)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int inWidth = options.Channels;
        for (int i = 0; i < options.PathWidths.Count; i++)
        {
            layers.Add(($"conv{i + 1}", nn.Conv2d(inWidth, options.PathWidths[i], options.PathKernel)));
            layers.Add(($"act{i + 1}", i == 0 ? activation : CloneActivation(activation)));
            inWidth = options.PathWidths[i];
        }
        return nn.Sequential(layers);
    }

    private static Sequential ContextPath(int channels, ContextPathOptions context)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int inWidth = channels;
        for (int i = 0; i < context.Dilations.Count; i++)
        {
            layers.Add(($"conv{i + 1}", nn.Conv2d(inWidth, context.Width, ContextPathOptions.Kernel, dilation: context.Dilations[i])));
            layers.Add(($"act{i + 1}", new LeakyRelu($"act{i + 1}")));
            inWidth = context.Width;
        }
        return nn.Sequential(layers);
    }

    private static Sequential Branch(SplitSpliceOptions options, int inWidth)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < options.BranchWidths.Count; i++)
        {
            layers.Add(($"conv{i + 1}", nn.Conv2d(inWidth, options.BranchWidths[i], options.BranchKernels[i])));
            layers.Add(($"act{i + 1}", new LeakyRelu($"act{i + 1}")));
            inWidth = options.BranchWidths[i];
        }
        return nn.Sequential(layers);
    }

    private static Sequential Tail(SplitSpliceOptions options)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int inWidth = options.BranchWidths[^1];
        for (int i = 0; i < options.TailWidths.Count; i++)
        {
            layers.Add(($"conv{i + 1}", nn.Conv2d(inWidth, options.TailWidths[i], options.TailKernel)));
            layers.Add(($"act{i + 1}", new LeakyRelu($"act{i + 1}")));
            inWidth = options.TailWidths[i];
        }
        layers.Add(("output", nn.Conv2d(inWidth, options.Channels, options.TailKernel)));
        return nn.Sequential(layers);
    }

    private static nn.Module<Tensor, Tensor> CloneActivation(nn.Module<Tensor, Tensor> activation) =>
        activation is Sigmoid ? nn.Sigmoid() : new LeakyRelu("act");
}
