using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// An exponential moving average of the weights being trained (Polyak averaging, as BasicSR and
/// Real-ESRGAN train their models): a second network of the same shape whose weights follow the
/// trained ones slowly. Its weights are what a run validates and writes, so a checkpoint read in
/// the middle of a run does not carry the noise of its last few Adam steps. (At the end of a cosine
/// schedule the steps are small and the two agree: d8-b16's run ended 0.003 dB apart, README,
/// "Wider reconstruction, and a hint of context".)
/// </summary>
public sealed class WeightAverage
{
    private readonly Parameter[] _trained;
    private readonly Parameter[] _averaged;

    /// <param name="trained">The network the optimiser updates.</param>
    /// <param name="averaged">A network of the same shape that holds the average; it starts as a copy of <paramref name="trained"/>.</param>
    /// <param name="decay">Share of the old average kept at each step, such as 0.999.</param>
    public WeightAverage(nn.Module<Tensor, Tensor> trained, nn.Module<Tensor, Tensor> averaged, double decay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(decay, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(decay, 1);
        _trained = trained.parameters().ToArray();
        _averaged = averaged.parameters().ToArray();
        if (_trained.Length != _averaged.Length || _trained.Zip(_averaged).Any(pair => !pair.First.shape.SequenceEqual(pair.Second.shape)))
        {
            throw new ArgumentException("The averaged network must have the trained network's shape.", nameof(averaged));
        }
        Decay = decay;
        Model = averaged;
        Model.eval();
        foreach (var parameter in _averaged)
        {
            parameter.requires_grad = false;
        }
        Restart();
    }

    public double Decay { get; }

    /// <summary>The network holding the average: validate and save this one.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>
    /// The decay used after <paramref name="updates"/> updates of this average. It ramps up
    /// ((1 + n) / (10 + n), as TensorFlow's moving average does) so that a fresh network's
    /// average does not stay near its random start for the first thousands of steps.
    /// </summary>
    public double DecayAfter(long updates) => Math.Min(Decay, (1.0 + updates) / (10.0 + updates));

    /// <summary>Updates applied since the average last started from the trained weights.</summary>
    public long Updates { get; private set; }

    /// <summary>Starts the average afresh from the trained weights.</summary>
    public void Restart()
    {
        using var noGrad = torch.no_grad();
        foreach (var (trained, averaged) in _trained.Zip(_averaged))
        {
            averaged.copy_(trained);
        }
        Updates = 0;
    }

    /// <summary>Continues an average that a checkpoint saved after <paramref name="updates"/> updates.</summary>
    public void Continue(long updates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        Updates = updates;
    }

    /// <summary>Moves the average toward the trained weights; call after each optimiser step.</summary>
    public void Update()
    {
        // Owned scalars: implicit ones can be freed by the finalizer mid-call (see TorchScalars).
        double decay = DecayAfter(Updates);
        using var kept = decay.ToScalar();
        using var taken = (1.0 - decay).ToScalar();
        using var noGrad = torch.no_grad();
        // The in-place calls return new handles to the same tensors; the scope releases them now.
        using var scope = torch.NewDisposeScope();
        foreach (var (trained, averaged) in _trained.Zip(_averaged))
        {
            averaged.mul_(kept).add_(trained, taken);
        }
        Updates++;
    }
}
