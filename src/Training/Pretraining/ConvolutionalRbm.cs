using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Pretraining;

/// <summary>
/// One convolution of the sigmoid path seen as a convolutional RBM: its weight and bias are the
/// RBM's filters and hidden biases, and the reconstruction is the transposed convolution with the
/// same weight (weight-tied) plus a visible bias that exists only here.
/// </summary>
/// <remarks>
/// Visible units are Bernoulli on values in [0, 1]: the network's input pixels and every sigmoid
/// layer's output already lie there, and the supervised network consumes exactly those values, so
/// the filters go over unchanged. Gaussian visible units would need each layer's input standardised
/// and the statistics folded back into its weights and bias afterwards. The reconstruction uses
/// probabilities (not samples), as Hinton's practical guide recommends for the visible side.
/// </remarks>
public sealed class ConvolutionalRbm : IDisposable
{
    private readonly Conv2d _convolution;
    private readonly Parameter _visibleBias;

    public ConvolutionalRbm(Conv2d convolution)
    {
        _convolution = convolution;
        long visibleChannels = convolution.weight!.shape[1];
        _visibleBias = new Parameter(torch.zeros(visibleChannels), requires_grad: true);
    }

    /// <summary>Filters, hidden biases and visible biases: what contrastive divergence updates.</summary>
    public IEnumerable<Parameter> Parameters => [_convolution.weight!, _convolution.bias!, _visibleBias];

    /// <summary>P(h = 1 | v): the layer's output in the network, the input of the next RBM.</summary>
    public Tensor HiddenProbabilities(Tensor visible) => torch.sigmoid(_convolution.call(visible));

    /// <summary>P(v = 1 | h), by the transposed convolution with the tied weight.</summary>
    public Tensor VisibleProbabilities(Tensor hidden) =>
        torch.sigmoid(nn.functional.conv_transpose2d(MemoryLayout.ChannelsLast(hidden), _convolution.weight!, _visibleBias));

    /// <summary>
    /// The CD-1 objective: the mean free energy of the data minus that of the one-step
    /// reconstruction (held fixed). Its gradient is the contrastive-divergence update with hidden
    /// probabilities as the statistics, so any gradient optimiser performs CD-1 with it.
    /// Normalised per hidden position so the step size does not grow with the patch.
    /// </summary>
    /// <returns>The objective (with a graph to the parameters) and the detached reconstruction.</returns>
    public (Tensor Objective, Tensor Reconstruction) ContrastiveDivergence(Tensor visible)
    {
        Tensor reconstruction;
        using (torch.no_grad())
        {
            Tensor hidden = HiddenProbabilities(visible);
            reconstruction = VisibleProbabilities(torch.bernoulli(hidden)).detach();
        }
        Tensor dataEnergy = FreeEnergy(visible);
        Tensor modelEnergy = FreeEnergy(reconstruction);
        long kernel = _convolution.weight!.shape[2];
        double positions = visible.shape[0] * (visible.shape[2] - kernel + 1) * (visible.shape[3] - kernel + 1);
        using var scale = (1.0 / positions).ToScalar();
        return (dataEnergy.add(modelEnergy.neg(), TorchScalars.One).mul(scale), reconstruction);
    }

    /// <summary>Mean squared difference between the data and its mean-field reconstruction.</summary>
    public double ReconstructionError(Tensor visible)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor reconstruction = VisibleProbabilities(HiddenProbabilities(visible));
        return nn.functional.mse_loss(reconstruction, visible).item<float>();
    }

    public void Dispose() => _visibleBias.Dispose();

    // F(v) = -sum(b_v v) - sum softplus(W * v + b_h), summed over the batch.
    private Tensor FreeEnergy(Tensor visible)
    {
        Tensor visibleTerm = visible.sum([0, 2, 3]).mul(_visibleBias).sum();
        Tensor hiddenTerm = nn.functional.softplus(_convolution.call(visible)).sum();
        return visibleTerm.add(hiddenTerm, TorchScalars.One).neg();
    }
}
