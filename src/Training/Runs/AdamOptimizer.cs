using SeRanet.Video.Upscaler;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// Adam (Kingma and Ba), the same update as PyTorch's and TorchSharp's, with every scalar owned for
/// the whole step. TorchSharp's own <c>torch.optim.Adam</c> passes its coefficients as implicit
/// scalars (<c>mul_(beta1)</c>, <c>addcdiv_(..., value: -step_size)</c>); nothing keeps those
/// alive during the native call, so a garbage collection in between can let the finalizer free
/// one mid-call and the update reads freed memory: a garbage step size, and the run turns to NaN
/// some tens of steps later. How often that happens depends on the machine's timing, which is
/// why training diverged on one CPU and not on another. (TorchScalars explains the same hazard
/// in the forward pass; AdamOptimizerTests reproduces it with a collecting thread.)
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private static readonly byte[] Magic = "SRNADAM1"u8.ToArray();

    private readonly List<Parameter> _parameters;
    private readonly Tensor[] _firstMoments;
    private readonly Tensor[] _secondMoments;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = parameters.ToList();
        LearningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _firstMoments = _parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
        _secondMoments = _parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    public double LearningRate { get; set; }

    /// <summary>Updates taken so far (the bias corrections depend on it).</summary>
    public long Steps { get; private set; }

    public void ZeroGrad()
    {
        // Each grad is a new wrapper; in a scope it stays reachable until its native call is done,
        // instead of being left to the finalizer, which may free it mid-call.
        using var scope = torch.NewDisposeScope();
        foreach (var parameter in _parameters)
        {
            parameter.grad?.zero_();
        }
    }

    public void Step()
    {
        Steps++;
        double biasCorrection1 = 1 - Math.Pow(_beta1, Steps);
        double biasCorrection2 = 1 - Math.Pow(_beta2, Steps);
        using var beta1 = _beta1.ToScalar();
        using var oneMinusBeta1 = (1 - _beta1).ToScalar();
        using var beta2 = _beta2.ToScalar();
        using var oneMinusBeta2 = (1 - _beta2).ToScalar();
        using var epsilon = _epsilon.ToScalar();
        using var correction2Root = Math.Sqrt(biasCorrection2).ToScalar();
        using var negativeStepSize = (-LearningRate / biasCorrection1).ToScalar();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (_parameters[i].grad is not { } gradient)
            {
                continue;
            }
            _firstMoments[i].mul_(beta1).add_(gradient, alpha: oneMinusBeta1);
            _secondMoments[i].mul_(beta2).addcmul_(gradient, gradient, value: oneMinusBeta2);
            // add_ without alpha would make TorchSharp create an implicit alpha of 1: pass a kept one.
            Tensor denominator = _secondMoments[i].sqrt().div_(correction2Root).add_(epsilon, TorchScalars.One);
            _parameters[i].addcdiv_(_firstMoments[i], denominator, value: negativeStepSize);
        }
    }

    /// <summary>Writes the step count and both moments, to a temporary name first.</summary>
    public void Save(string path)
    {
        string temporary = path + ".partial";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(Magic);
            writer.Write(_parameters.Count);
            writer.Write(Steps);
            for (int i = 0; i < _parameters.Count; i++)
            {
                // Saved plain (NCHW): TorchSharp writes only contiguous tensors, and the moments
                // follow the parameters' channels-last layout.
                _firstMoments[i].contiguous().Save(writer);
                _secondMoments[i].contiguous().Save(writer);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Reads a state <see cref="Save"/> wrote or, for runs checkpointed before this class existed,
    /// the state file of TorchSharp's Adam over the same parameters.
    /// </summary>
    public void Load(string path)
    {
        using (var reader = new BinaryReader(File.OpenRead(path)))
        {
            if (reader.BaseStream.Length >= Magic.Length && reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                int count = reader.ReadInt32();
                if (count != _parameters.Count)
                {
                    throw new InvalidDataException($"{path} holds optimizer state for {count} tensors; this network has {_parameters.Count}.");
                }
                Steps = reader.ReadInt64();
                using var noGrad = torch.no_grad();
                for (int i = 0; i < count; i++)
                {
                    LoadInto(_firstMoments[i], reader);
                    LoadInto(_secondMoments[i], reader);
                }
                return;
            }
        }
        LoadTorchSharpState(path);
    }

    private static void LoadInto(Tensor moment, BinaryReader reader)
    {
        using var plain = torch.zeros_like(moment).contiguous();
        plain.Load(reader);
        moment.copy_(plain);
    }

    private void LoadTorchSharpState(string path)
    {
        // TorchSharp reads its moments into zeros_like(parameter), and it can read only into
        // contiguous tensors; our parameters are channels-last, so it reads into plain copies.
        using var scope = torch.NewDisposeScope();
        var plain = _parameters.Select(p => new Parameter(p.detach().contiguous().clone(), requires_grad: true)).ToList();
        using var legacy = torch.optim.Adam(plain, LearningRate);
        legacy.load_state_dict(path);
        var states = legacy.state_dict().State;
        if (states.Count != _parameters.Count)
        {
            throw new InvalidDataException($"{path} holds optimizer state for {states.Count} tensors; this network has {_parameters.Count}.");
        }
        using var noGrad = torch.no_grad();
        for (int i = 0; i < states.Count; i++)
        {
            var state = (Adam.State)states[i];
            _firstMoments[i].copy_(state.exp_avg);
            _secondMoments[i].copy_(state.exp_avg_sq);
            Steps = state.step;
        }
    }

    public void Dispose()
    {
        foreach (var tensor in _firstMoments.Concat(_secondMoments))
        {
            tensor.Dispose();
        }
    }
}
