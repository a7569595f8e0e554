using SeRanet.Video.Upscaler.Architectures;

namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>Which form of a split/splice network runs: the training module or the inference form.</summary>
public enum NetworkForm
{
    /// <summary><see cref="SplitSpliceNet"/>: training, validation, evaluation of checkpoints.</summary>
    Module,

    /// <summary><see cref="FusedSplitSplice"/>: every upscale.</summary>
    Inference,
}

/// <summary>One 2-D convolution a network runs: its channels, square kernel, groups and dilation.</summary>
public sealed record ConvolutionShape(int InChannels, int OutChannels, int Kernel, int Groups = 1, int Dilation = 1)
{
    /// <summary>
    /// The inference form's residual bicubic, one plane at a time (grouped, it was wrong on an
    /// AVX-512 CPU; see FusedSplitSplice). It always runs in float32, whatever the precision.
    /// </summary>
    public static ConvolutionShape PlaneBicubic { get; } = new(1, 4, 5);

    /// <summary>
    /// Of an inference form's convolutions, those that run in bfloat16 under <c>--precision bf16</c>:
    /// all but <see cref="PlaneBicubic"/>, which stays float32.
    /// </summary>
    public static IEnumerable<ConvolutionShape> InBfloat16(IEnumerable<ConvolutionShape> inference) =>
        inference.Where(shape => shape != PlaneBicubic);

    public override string ToString() =>
        $"{InChannels}->{OutChannels} {Kernel}x{Kernel}" + (Groups == 1 ? "" : $" groups {Groups}") + (Dilation == 1 ? "" : $" dilation {Dilation}");

    /// <summary>
    /// The convolutions of a split/splice network in one of its forms. ConvolutionNumericsTests
    /// checks this list against the convolutions each form really holds.
    /// </summary>
    public static IReadOnlyList<ConvolutionShape> Of(SplitSpliceOptions options, NetworkForm form)
    {
        var shapes = new List<ConvolutionShape>();
        int width = options.Channels;
        foreach (int pathWidth in options.PathWidths)
        {
            shapes.Add(new(width, pathWidth, options.PathKernel));
            width = pathWidth;
        }
        if (options.Context is { } context)
        {
            int contextWidth = options.Channels;
            foreach (int dilation in context.Dilations)
            {
                shapes.Add(new(contextWidth, context.Width, ContextPathOptions.Kernel, Dilation: dilation));
                contextWidth = context.Width;
            }
            shapes.Add(new(context.Width, options.PathWidths[context.JoinAfter - 1], 1));
        }

        int fused = width * (options.Fusion ? 2 : 1);
        width = fused;
        for (int i = 0; i < options.BranchWidths.Count; i++)
        {
            // The inference form runs the four branches as one convolution, grouped after the first
            // (the first one per branch where it would be too wide, FusedSplitSplice.FirstBranchLayer).
            shapes.Add(form == NetworkForm.Module ? new(width, options.BranchWidths[i], options.BranchKernels[i])
                : i == 0 ? new(fused, FusedSplitSplice.FirstBranchConvolutionOutputs(4 * options.BranchWidths[0]), options.BranchKernels[0])
                : new(4 * options.BranchWidths[i - 1], 4 * options.BranchWidths[i], options.BranchKernels[i], 4));
            width = options.BranchWidths[i];
        }

        if (form == NetworkForm.Inference && options.TailWidths.Count == 0)
        {
            // The output convolution (and the residual's bicubic) folded in front of the splice.
            int lowKernel = 2 * ((options.TailKernel / 2 + 1) / 2) + 1;
            shapes.Add(new(4 * width, 4 * options.Channels, lowKernel));
            if (options.Residual)
            {
                shapes.Add(PlaneBicubic);
            }
            return shapes.Distinct().ToList();
        }
        foreach (int tailWidth in options.TailWidths)
        {
            shapes.Add(new(width, tailWidth, options.TailKernel));
            width = tailWidth;
        }
        shapes.Add(new(width, options.Channels, options.TailKernel));
        return shapes.Distinct().ToList();
    }

    /// <summary>Every convolution shape of the shipped presets, in Y and RGB mode, in both forms.</summary>
    public static IReadOnlyList<ConvolutionShape> OfPresets() =>
        Enum.GetValues<NetworkForm>().SelectMany(OfPresets).Distinct().ToList();

    /// <summary>Every convolution shape of the shipped presets, in Y and RGB mode, in one form.</summary>
    public static IReadOnlyList<ConvolutionShape> OfPresets(NetworkForm form) =>
        (from name in Presets.Names
         from channels in ColorChannels
         from shape in Of(Presets.Get(name, channels), form)
         select shape).Distinct().ToList();

    /// <summary>Y mode and RGB mode.</summary>
    private static readonly int[] ColorChannels = [1, 3];
}
