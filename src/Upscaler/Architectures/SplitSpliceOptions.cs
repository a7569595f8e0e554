using System.Text.Json.Serialization;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// The shape of a split/fusion/splice network (the SeRanet topology):
/// two feature paths over the low-resolution input (Leaky ReLU and sigmoid), concatenated;
/// four branches that predict the four sub-pixel positions of each 2x2 output block;
/// the splice (depth-to-space) into the 2x image; then a few convolutions at full resolution.
/// </summary>
public sealed record SplitSpliceOptions
{
    /// <summary>Input and output channels: 3 for RGB, 1 for Y-only.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Output widths of the convolutions in each feature path.</summary>
    public IReadOnlyList<int> PathWidths { get; init; } = [64, 64, 128];

    /// <summary>Kernel size of the feature-path convolutions.</summary>
    public int PathKernel { get; init; } = 5;

    /// <summary>Whether the sigmoid ("CRBM") path runs beside the Leaky ReLU path (the fusion).</summary>
    public bool Fusion { get; init; } = true;

    /// <summary>Output widths of the convolutions in each of the four branches.</summary>
    public IReadOnlyList<int> BranchWidths { get; init; } = [512, 256, 128];

    /// <summary>Kernel sizes of the branch convolutions, one per width.</summary>
    public IReadOnlyList<int> BranchKernels { get; init; } = [1, 1, 3];

    /// <summary>Widths of the full-resolution convolutions after the splice, before the output convolution.</summary>
    public IReadOnlyList<int> TailWidths { get; init; } = [128, 128, 128];

    /// <summary>Kernel size of the full-resolution convolutions, output convolution included.</summary>
    public int TailKernel { get; init; } = 3;

    /// <summary>Predict a correction to a bicubic upscale instead of the image itself.</summary>
    public bool Residual { get; init; }

    /// <summary>A wide-context path beside the feature path; null (and absent from model files) without one.</summary>
    public ContextPathOptions? Context { get; init; }

    public void Validate()
    {
        if (Channels is not (1 or 3))
        {
            throw new ArgumentException($"Channels must be 1 (Y) or 3 (RGB), not {Channels}.");
        }
        if (PathWidths.Count == 0 || BranchWidths.Count == 0)
        {
            throw new ArgumentException("A split/splice network needs at least one path and one branch convolution.");
        }
        if (BranchKernels.Count != BranchWidths.Count)
        {
            throw new ArgumentException("BranchKernels needs one kernel size per branch width.");
        }
        int[] kernels = [PathKernel, TailKernel, .. BranchKernels];
        if (kernels.Any(k => k < 1 || k % 2 == 0))
        {
            throw new ArgumentException("Kernel sizes must be odd and positive.");
        }
        if (PathWidths.Concat(BranchWidths).Concat(TailWidths).Any(w => w < 1))
        {
            throw new ArgumentException("Widths must be positive.");
        }
        Context?.Validate(this);
    }

    /// <summary>Context the feature path and branches consume at low resolution, in pixels per side (a context path reads farther: <see cref="ContextMargin"/>).</summary>
    public int LowResolutionRadius =>
        PathWidths.Count * (PathKernel / 2) + BranchKernels.Sum(k => k / 2);

    /// <summary>Context the full-resolution convolutions consume, in output pixels per side.</summary>
    public int HighResolutionRadius => (TailWidths.Count + 1) * (TailKernel / 2);

    /// <summary>Input pixels of replicated edge each side of the image so the output is exactly 2H x 2W.</summary>
    public int Padding
    {
        get
        {
            int padding = PathPadding + ContextMargin;
            // The residual's bicubic upscale reads 2 input pixels beyond each output pixel.
            return Residual ? Math.Max(padding, 2) : padding;
        }
    }

    /// <summary>Input pixels of context per side the feature path, branches and tail consume.</summary>
    [JsonIgnore] // Not in model files, so headers written before it stay byte for byte.
    public int PathPadding => LowResolutionRadius + (HighResolutionRadius + 1) / 2;

    /// <summary>
    /// Input pixels per side that only the context path reads, beyond <see cref="PathPadding"/>: the
    /// feature path's input is the padded input less this margin.
    /// </summary>
    [JsonIgnore]
    public int ContextMargin => Context is { } context ? Math.Max(0, context.Radius - context.JoinAfter * (PathKernel / 2)) : 0;

    /// <summary>Multiply-adds per input pixel, to compare presets.</summary>
    public long MultiplyAddsPerPixel
    {
        get
        {
            long total = 0;
            int paths = Fusion ? 2 : 1;
            int inWidth = Channels;
            foreach (int width in PathWidths)
            {
                total += (long)paths * inWidth * width * PathKernel * PathKernel;
                inWidth = width;
            }
            inWidth *= paths;
            for (int i = 0; i < BranchWidths.Count; i++)
            {
                total += 4L * inWidth * BranchWidths[i] * BranchKernels[i] * BranchKernels[i];
                inWidth = BranchWidths[i];
            }
            foreach (int width in TailWidths.Append(Channels))
            {
                total += 4L * inWidth * width * TailKernel * TailKernel;
                inWidth = width;
            }
            if (Context is { } context)
            {
                int k2 = ContextPathOptions.Kernel * ContextPathOptions.Kernel;
                total += (long)Channels * context.Width * k2 + (context.Dilations.Count - 1L) * context.Width * context.Width * k2;
                total += (long)context.Width * PathWidths[context.JoinAfter - 1];
            }
            return total;
        }
    }

    /// <summary>Floats of activation per input pixel held during one forward pass (for tile sizing).</summary>
    public long ActivationFloatsPerPixel
    {
        get
        {
            int paths = Fusion ? 2 : 1;
            long low = Channels + paths * (PathWidths.Sum() + PathWidths[^1]) + 4L * BranchWidths.Sum() * 2;
            long high = 4L * (BranchWidths[^1] * 2 + TailWidths.Sum() * 2 + Channels * 3);
            long context = Context is { } path ? (long)path.Dilations.Count * path.Width + PathWidths[path.JoinAfter - 1] : 0;
            return low + high + context;
        }
    }
}
