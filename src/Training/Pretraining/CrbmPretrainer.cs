using System.Diagnostics;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Numerics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Pretraining;

/// <summary>
/// Pre-trains the sigmoid ("CRBM") path of a split/splice network greedily, as the seed meant to:
/// each of its convolutions in turn is a <see cref="ConvolutionalRbm"/> trained by CD-1 on the
/// network's own low-resolution training inputs, the first on the pixels, each later one on the
/// hidden probabilities of the layers below it. Nothing outside the sigmoid path is touched.
/// </summary>
/// <param name="stepsPerLayer">CD-1 updates for each layer.</param>
/// <param name="learningRate">Adam's step on the CD-1 gradient; small, since it only shapes a start.</param>
/// <param name="seed">Seeds the patch draw; the hidden samples come from torch's generator, which the trainer seeds.</param>
/// <param name="stepsPerEpoch">CD-1 updates between reconstruction-error measurements.</param>
public sealed class CrbmPretrainer(PatchSampler sampler, int batchSize, int stepsPerLayer, double learningRate, int seed, int stepsPerEpoch)
{
    /// <summary>Prefix of the sigmoid path's convolutions in the network (see SplitSpliceNet).</summary>
    public const string SigmoidPath = "crbm_path";

    public const double DefaultLearningRate = 1e-3;

    /// <summary>Trains every convolution of the network's sigmoid path; reports each epoch's reconstruction error.</summary>
    public PretrainingOutcome Run(nn.Module<Tensor, Tensor> network, Action<PretrainingEpoch>? epochDone, CancellationToken cancellationToken)
    {
        var layers = SigmoidConvolutions(network);
        var clock = Stopwatch.StartNew();
        var random = new Random(seed);
        var finalErrors = new List<double>();
        var initialErrors = new List<double>();
        using var heldOut = torch.NewDisposeScope();
        // One fixed batch measures every epoch of a layer, so the errors compare across epochs.
        Tensor measurePixels = Low(sampler.NextBatch(new Random(seed ^ 0x5eed), batchSize));
        for (int layer = 0; layer < layers.Count; layer++)
        {
            using var rbm = new ConvolutionalRbm(layers[layer]);
            using var optimizer = new AdamOptimizer(rbm.Parameters, learningRate);
            using var measureScope = torch.NewDisposeScope();
            Tensor measure = Below(layers, layer, measurePixels);
            double initial = rbm.ReconstructionError(measure);
            initialErrors.Add(initial);
            epochDone?.Invoke(new PretrainingEpoch(layer + 1, 0, 0, initial, clock.Elapsed.TotalMinutes));
            double error = initial;
            for (int step = 1; step <= stepsPerLayer; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using (var scope = torch.NewDisposeScope())
                {
                    Tensor visible = Below(layers, layer, Low(sampler.NextBatch(random, batchSize)));
                    optimizer.ZeroGrad();
                    var (objective, _) = rbm.ContrastiveDivergence(visible);
                    objective.backward();
                    optimizer.Step();
                }
                if (step % stepsPerEpoch == 0 || step == stepsPerLayer)
                {
                    error = rbm.ReconstructionError(measure);
                    if (!double.IsFinite(error))
                    {
                        throw new TrainingDivergedException($"CRBM pre-training of {SigmoidPath}.conv{layer + 1} diverged at step {step} (reconstruction error {error}).");
                    }
                    epochDone?.Invoke(new PretrainingEpoch(layer + 1, (step + stepsPerEpoch - 1) / stepsPerEpoch, step, error, clock.Elapsed.TotalMinutes));
                }
            }
            finalErrors.Add(error);
            foreach (var parameter in rbm.Parameters)
            {
                parameter.grad?.zero_();
            }
        }
        return new PretrainingOutcome(layers.Count, stepsPerLayer, initialErrors, finalErrors, clock.Elapsed.TotalMinutes);
    }

    /// <summary>The sigmoid path's convolutions in order; an error if the network has none.</summary>
    public static IReadOnlyList<Conv2d> SigmoidConvolutions(nn.Module<Tensor, Tensor> network)
    {
        var convolutions = network.named_modules()
            .Where(m => m.name.StartsWith(SigmoidPath + ".conv", StringComparison.Ordinal) && m.module is Conv2d)
            .OrderBy(m => int.Parse(m.name.AsSpan(SigmoidPath.Length + ".conv".Length), System.Globalization.CultureInfo.InvariantCulture))
            .Select(m => (Conv2d)m.module)
            .ToList();
        return convolutions.Count > 0
            ? convolutions
            : throw new ArgumentException("CRBM pre-training needs a network with the sigmoid path (fusion on).");
    }

    private static Tensor Low(TrainingBatch batch) =>
        MemoryLayout.ChannelsLast(torch.tensor(batch.Low, [batch.Count, batch.Channels, batch.LowSide, batch.LowSide]));

    // The input of layer `layer`: the pixels through the already-trained layers below it.
    private static Tensor Below(IReadOnlyList<Conv2d> layers, int layer, Tensor pixels)
    {
        using var noGrad = torch.no_grad();
        Tensor x = pixels;
        for (int i = 0; i < layer; i++)
        {
            x = torch.sigmoid(layers[i].call(x));
        }
        return x.detach();
    }
}

/// <summary>The reconstruction error of one layer after <paramref name="Step"/> CD-1 updates (epoch 0: before any).</summary>
public sealed record PretrainingEpoch(int Layer, int Epoch, int Step, double ReconstructionError, double ElapsedMinutes);

/// <summary>What pre-training did, per layer.</summary>
public sealed record PretrainingOutcome(int Layers, int StepsPerLayer, IReadOnlyList<double> InitialErrors, IReadOnlyList<double> FinalErrors, double Minutes);
