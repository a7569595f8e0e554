using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// Test-time augmentation (waifu2x's <c>-x</c>, EDSR's self-ensemble): the network runs on the
/// eight flips and quarter turns of each input, each output is turned back, and the eight are
/// averaged. The 2x grid is symmetric under them (pixel centres, no corner alignment), so each is
/// an equally valid estimate; their errors partly cancel, for eight times the network's cost.
/// Wraps either backend: it only calls <see cref="IInferenceNetwork.Forward"/>.
/// </summary>
/// <remarks>
/// The transforms run one after another, not as one batch of eight, so the activation memory is
/// the plain network's and the tile planner's budget still holds; only the running sum is added.
/// They are summed in a fixed order in float32, so the result is the same on every run.
/// </remarks>
public sealed class SelfEnsemble : IInferenceNetwork
{
    /// <summary>How many transforms are averaged: the symmetries of the square.</summary>
    public const int Transforms = 8;

    /// <summary>1/8, exact in float32, so the mean is the same as dividing by eight (see <see cref="TorchScalars"/> for why it is kept).</summary>
    private static readonly Scalar OneOverTransforms = (1f / Transforms).ToScalar();

    private readonly IInferenceNetwork _network;

    /// <param name="network">The network to average; disposed with this.</param>
    public SelfEnsemble(IInferenceNetwork network) => _network = network;

    public Tensor Forward(Tensor input)
    {
        Tensor? sum = null;
        for (int transform = 0; transform < Transforms; transform++)
        {
            using var scope = torch.NewDisposeScope();
            // Each backend lays out its own input (tiles are views already), so the transformed view goes as it is.
            Tensor output = Untransform(_network.Forward(Transform(input, transform)), transform);
            if (sum is null)
            {
                sum = output.contiguous().MoveToOuterDisposeScope();
            }
            else
            {
                sum.add_(output, TorchScalars.One);
            }
        }
        return sum!.mul_(OneOverTransforms);
    }

    /// <summary>
    /// Transform k: a horizontal flip if bit 0 is set, a vertical flip if bit 1 is, then a swap of
    /// rows and columns if bit 2 is. Together they are the eight symmetries of the square.
    /// </summary>
    public static Tensor Transform(Tensor images, int transform)
    {
        Tensor x = Flip(images, transform);
        return (transform & 4) != 0 ? x.transpose(2, 3) : x;
    }

    /// <summary>The inverse of <see cref="Transform"/>: the swap first, then the flips.</summary>
    public static Tensor Untransform(Tensor images, int transform) =>
        Flip((transform & 4) != 0 ? images.transpose(2, 3) : images, transform);

    private static Tensor Flip(Tensor images, int transform)
    {
        var dims = new List<long>(2);
        if ((transform & 1) != 0)
        {
            dims.Add(3);
        }
        if ((transform & 2) != 0)
        {
            dims.Add(2);
        }
        return dims.Count == 0 ? images : images.flip(dims.ToArray());
    }

    public void Dispose() => _network.Dispose();
}
