using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Options;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Training.Pretraining;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Training;

/// <summary>CRBM pre-training of the sigmoid path (<c>seranet train --pretrain crbm</c>) on real photos.</summary>
[Trait("Category", "Integration")]
public class CrbmPretrainerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The smallest few real photos, so loading is quick.</summary>
    private string SmallPhotoSet()
    {
        string folder = _temp.File("photos");
        Directory.CreateDirectory(folder);
        foreach (var file in new DirectoryInfo(RepoPaths.RequireFolder(RepoPaths.TrainingData)).EnumerateFiles()
                     .Where(f => f.Length > 60_000).OrderBy(f => f.Length).Take(4))
        {
            file.CopyTo(Path.Combine(folder, file.Name));
        }
        return folder;
    }

    private async Task<PatchSampler> SamplerAsync(SplitSpliceOptions architecture, int patch = 16)
    {
        var files = ImageFolders.FindImages([SmallPhotoSet()]);
        var images = await TrainingSetLoader.LoadAsync(files, patch + 2 * architecture.Padding, Degradations.None, 7, FfmpegLocation.OnPath, null, CancellationToken.None);
        return new PatchSampler(images, patch, architecture.Padding, ColorMode.Y, Degradations.None, 0);
    }

    private static SplitSpliceNet Network(SplitSpliceOptions architecture, int seed)
    {
        torch.manual_seed(seed);
        return new SplitSpliceNet("crbm-test", architecture);
    }

    private static Dictionary<string, float[]> Weights(SplitSpliceNet network) =>
        network.state_dict().ToDictionary(p => p.Key, p => p.Value.contiguous().data<float>().ToArray());

    [Fact]
    public async Task Contrastive_divergence_lowers_each_layer_s_reconstruction_error_on_real_photo_patches()
    {
        var architecture = Presets.Get(Presets.SeRanetFastDeep, channels: 1);
        var sampler = await SamplerAsync(architecture);
        using var network = Network(architecture, 1);
        var epochs = new List<PretrainingEpoch>();

        var outcome = new CrbmPretrainer(sampler, batchSize: 8, stepsPerLayer: 300, CrbmPretrainer.DefaultLearningRate, seed: 3, stepsPerEpoch: 100)
            .Run(network, epochs.Add, CancellationToken.None);

        Assert.Equal(3, outcome.Layers);
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], epochs.Select(e => e.Layer));
        for (int layer = 0; layer < 3; layer++)
        {
            // From the network's own initialisation, 300 CD-1 steps cut the error at least fivefold
            // (measured: about 30x for the first layer, 20x for the others).
            Assert.True(outcome.FinalErrors[layer] < outcome.InitialErrors[layer] / 5,
                $"layer {layer + 1}: reconstruction error {outcome.InitialErrors[layer]:G4} -> {outcome.FinalErrors[layer]:G4}");
            var curve = epochs.Where(e => e.Layer == layer + 1).Select(e => e.ReconstructionError).ToList();
            Assert.True(curve[^1] < curve[1], $"layer {layer + 1} still improves after its first epoch: {string.Join(", ", curve.Select(e => e.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}");
        }
    }

    [Fact]
    public async Task Only_the_sigmoid_path_changes_and_the_same_seed_gives_the_same_weights()
    {
        var architecture = Presets.Get(Presets.SeRanetFast, channels: 1);
        var sampler = await SamplerAsync(architecture);
        using var first = Network(architecture, 5);
        var before = Weights(first);
        torch.manual_seed(11);
        new CrbmPretrainer(sampler, 4, 20, CrbmPretrainer.DefaultLearningRate, 9, 10).Run(first, null, CancellationToken.None);
        var after = Weights(first);

        using var second = Network(architecture, 5);
        torch.manual_seed(11);
        new CrbmPretrainer(sampler, 4, 20, CrbmPretrainer.DefaultLearningRate, 9, 10).Run(second, null, CancellationToken.None);

        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, values) in before)
        {
            if (name.StartsWith("crbm_path.", StringComparison.Ordinal))
            {
                Assert.NotEqual(values, after[name]);
            }
            else
            {
                Assert.Equal(values, after[name]);
            }
        }
        Assert.Equal(after, Weights(second));
        Assert.All(first.parameters(), p => Assert.True(p.grad is null || p.grad.abs().max().item<float>() == 0, "pre-training leaves no gradient behind"));
    }

    [Fact]
    public void A_network_without_fusion_has_no_sigmoid_path_to_pretrain()
    {
        using var network = Network(Presets.Get(Presets.SeRanetFastDeepNoFusion, channels: 1), 1);

        var error = Assert.Throws<ArgumentException>(() => CrbmPretrainer.SigmoidConvolutions(network));
        Assert.Contains("sigmoid path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pretrained_run_logs_the_reconstruction_error_and_says_so_in_its_model_header()
    {
        var options = new TrainerOptions
        {
            ModelName = "crbm-run",
            Architecture = Presets.Get(Presets.SeRanetFastDeep, channels: 1),
            ColorMode = ColorMode.Y,
            DataFolders = [SmallPhotoSet()],
            OutputPath = _temp.File("model.srnv"),
            RunFolder = _temp.File("run"),
            BatchSize = 4,
            PatchSize = 16,
            Steps = 20,
            StepsPerEpoch = 10,
            ValidationFraction = 0.3,
            Seed = 42,
            Pretrain = PretrainKind.Crbm,
            PretrainSteps = 20,
            Command = "seranet train --pretrain crbm --pretrain-steps 20",
        };

        var result = await new Trainer(options).RunAsync(null, CancellationToken.None);

        Assert.True(result.Finished);
        var rows = new PretrainingLog(options.RunFolder).Read();
        Assert.Equal([(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2), (3, 0), (3, 1), (3, 2)], rows.Select(r => (r.Layer, r.Epoch)));
        Assert.All(rows, r => Assert.True(double.IsFinite(r.ReconstructionError) && r.ReconstructionError > 0));
        using var model = ModelFile.Load(options.OutputPath);
        var pretraining = model.Header.Training?.Pretraining;
        Assert.NotNull(pretraining);
        Assert.Equal("crbm", pretraining.Method);
        Assert.Equal(["crbm_path.conv1", "crbm_path.conv2", "crbm_path.conv3"], pretraining.Layers);
        Assert.Equal(20, pretraining.StepsPerLayer);
        Assert.Equal(rows.Where(r => r.Step == 20).Select(r => Math.Round(r.ReconstructionError, 6)), pretraining.FinalReconstructionErrors.Select(e => Math.Round(e, 6)));
        // The run's time includes pre-training: supervised training starts after it.
        Assert.True(new TrainingLog(options.RunFolder).Read()[0].ElapsedMinutes >= rows[^1].ElapsedMinutes - 0.01);
        Assert.True(model.Header.Training!.Minutes >= pretraining.Minutes - 0.01);
    }

    [Fact]
    public void Pretraining_options_that_cannot_work_are_refused()
    {
        var good = new TrainerOptions
        {
            Architecture = Presets.Get(Presets.SeRanetFastDeep, 1),
            ColorMode = ColorMode.Y,
            DataFolders = [RepoPaths.Samples],
            OutputPath = "m.srnv",
            RunFolder = "r",
            Pretrain = PretrainKind.Crbm,
        };
        good.Validate();
        string model = Path.Combine(RepoPaths.Root, "models", Presets.SeRanetFastDeep + ModelFile.Extension);

        var noFusion = Assert.Throws<InvalidOptionException>((good with { Architecture = Presets.Get(Presets.SeRanetFastDeepNoFusion, 1) }).Validate);
        var fromModel = Assert.Throws<InvalidOptionException>((good with { InitialWeights = model }).Validate);
        var noSteps = Assert.Throws<InvalidOptionException>((good with { PretrainSteps = 0 }).Validate);

        Assert.Equal("TrainerOptions.Pretrain pre-trains the sigmoid path, which a network without fusion does not have.", noFusion.Message);
        Assert.Equal("TrainerOptions.Pretrain starts a fresh network, so it cannot be combined with a model to start from.", fromModel.Message);
        Assert.Equal("TrainerOptions.PretrainSteps must be at least 1.", noSteps.Message);
    }
}
