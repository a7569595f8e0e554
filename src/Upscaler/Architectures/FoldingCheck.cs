using SeRanet.Video.Upscaler.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// Measures how far a folded network's pictures are from the original's (<see cref="SigmoidPathFolding"/>):
/// both run on the same inputs, as the tool would upscale them, and the largest absolute difference
/// of any output value is kept.
/// </summary>
public sealed class FoldingCheck
{
    /// <summary>The side of the square taken from the centre of each photo, as in int8 calibration.</summary>
    public const int CropSide = 256;

    private const int ProbeSide = 48;

    private readonly SplitSpliceNet _original;
    private readonly SplitSpliceNet _folded;

    public FoldingCheck(SplitSpliceNet original, SplitSpliceNet folded)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(folded);
        _original = original;
        _folded = folded;
        // Before the first call, as for every upscale: a wrong CPU kernel must not decide
        // whether a pruned model ships (this also keeps libtorch from asking for NNPACK).
        Numerics.ConvolutionGuard.EnsureVerified(
            original.ConvolutionShapes(Numerics.NetworkForm.Module).Concat(folded.ConvolutionShapes(Numerics.NetworkForm.Module)), backward: false);
        _original.eval();
        _folded.eval();
    }

    /// <summary>The largest absolute change of any output value so far (1 is white).</summary>
    public float LargestChange { get; private set; }

    /// <summary>The pictures measured so far: photos and synthetic probes.</summary>
    public int Pictures { get; private set; }

    /// <summary>Adds the centre (at most <see cref="CropSide"/> square) of one RGB photo; luma for a Y model.</summary>
    public void Add(ImagePlanes photo)
    {
        using var scope = NewDisposeScope();
        Measure(PhotoCentre.Take(photo, CropSide, _original.Channels));
    }

    /// <summary>
    /// Adds synthetic extremes no photo set need contain: flat black, grey and white, uniform noise,
    /// and one-pixel checkerboards and stripes of full contrast, the inputs that drive a path's
    /// activations furthest.
    /// </summary>
    public void AddProbes()
    {
        using var scope = NewDisposeScope();
        int channels = _original.Channels;
        Tensor rows = arange(ProbeSide).view(ProbeSide, 1);
        Tensor columns = arange(ProbeSide).view(1, ProbeSide);
        Tensor checkerboard = rows.add(columns).remainder(2).to_type(ScalarType.Float32);
        Tensor stripes = columns.remainder(2).to_type(ScalarType.Float32).expand(ProbeSide, ProbeSide);
        using var generator = new Generator(20161);
        Tensor[] probes =
        [
            zeros(ProbeSide, ProbeSide),
            full(ProbeSide, ProbeSide, 0.5f),
            ones(ProbeSide, ProbeSide),
            checkerboard,
            stripes,
            stripes.t(),
            rand([ProbeSide, ProbeSide], generator: generator),
        ];
        foreach (Tensor probe in probes)
        {
            Measure(probe.expand(1, channels, ProbeSide, ProbeSide));
        }
        // Noise whose channels differ, for RGB models.
        Measure(rand([1, channels, ProbeSide, ProbeSide], generator: generator));
    }

    private void Measure(Tensor picture)
    {
        using var noGrad = no_grad();
        int p = _original.Padding;
        Tensor input = nn.functional.pad(picture.contiguous(), [p, p, p, p], PaddingModes.Replicate);
        float change = _original.call(input).sub(_folded.call(input)).abs().max().item<float>();
        LargestChange = Math.Max(LargestChange, change);
        Pictures++;
    }
}
