using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Training.Metrics;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Numerics;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// Trains a split/splice network on folders of photos: Adam on random aligned patches,
/// cosine learning-rate schedule, validation PSNR each epoch, CSV log and plot, checkpoints
/// with resume, and a wall-time budget. Batches are cut on a background task; the optimiser
/// runs on the calling thread (torch dispose scopes are per thread).
/// </summary>
public sealed class Trainer(TrainerOptions options)
{
    private const int ValidationPatches = 48;
    private const int ValidationPatchSize = 48;
    private const int ValidationSeed = 20_160_101;

    private string CheckpointPath => Path.Combine(options.RunFolder, "checkpoint" + ModelFile.Extension);

    private string OptimizerPath => Path.Combine(options.RunFolder, "checkpoint.optimizer");

    /// <summary>The file in a run folder that records where a checkpointed run stands.</summary>
    public const string CheckpointStateFile = "checkpoint.json";

    private string StatePath => Path.Combine(options.RunFolder, CheckpointStateFile);

    public async Task<TrainingResult> RunAsync(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        Directory.CreateDirectory(options.RunFolder);
        // Before any gradient: a CPU whose fast convolution kernels are wrong would train a wrong model.
        ConvolutionGuard.EnsureVerified(ConvolutionShape.Of(options.Architecture, NetworkForm.Module), backward: true);
        torch.manual_seed(options.Seed);
        var architecture = options.Architecture;
        int padding = architecture.Padding;

        var files = ImageFolders.FindImages(options.DataFolders);
        var (trainFiles, validationFiles) = TrainingSetLoader.Split(files, options.ValidationFraction);
        Report(progress, 0, 0, 0, 0, null, null, 0, TimeSpan.Zero, $"loading {trainFiles.Count} training and {validationFiles.Count} validation images");
        var messages = new Progress<string>(m => Report(progress, 0, 0, 0, 0, null, null, 0, TimeSpan.Zero, m));
        int minimumSide = Math.Max(options.PatchSize, ValidationPatchSize) + 2 * padding;
        var trainImages = await TrainingSetLoader.LoadAsync(trainFiles, options.PatchSize + 2 * padding, options.Degradations, options.Seed, messages, cancellationToken, options.ExtraScales, options.FullSize).ConfigureAwait(false);
        var validationImages = await TrainingSetLoader.LoadAsync(validationFiles, minimumSide, Degradations.None, options.Seed, messages, cancellationToken).ConfigureAwait(false);
        if (validationImages.Count == 0)
        {
            throw new InvalidDataException("No validation image is large enough for validation patches.");
        }

        var sampler = new PatchSampler(trainImages, options.PatchSize, padding, options.ColorMode, options.Degradations, options.DegradationProbability, options.SkipFlat);
        var validation = new PatchSampler(validationImages, ValidationPatchSize, padding, options.ColorMode, Degradations.None, 0)
            .FixedBatch(ValidationPatches, ValidationSeed);

        using var model = new SplitSpliceNet("seranet", architecture);
        using var optimizer = new AdamOptimizer(model.parameters(), options.LearningRate);
        var state = new TrainingState();
        if (options.Resume && File.Exists(StatePath))
        {
            state = LoadCheckpoint(model, optimizer);
            Report(progress, state.Step, options.Steps, state.Epoch, 0, state.LastValidationPsnr, state.BicubicPsnr, 0, TimeSpan.FromMinutes(state.ElapsedMinutes), $"resumed at step {state.Step}");
        }
        else if (options.InitialWeights is { } initial)
        {
            CopyWeights(initial, model, "The model given to --init", "pass a model of the same preset and colour mode");
            Report(progress, 0, options.Steps, 0, 0, null, null, 0, TimeSpan.Zero, $"starting from the weights in {initial}");
        }
        else
        {
            ScaleOutputLayer(model, 0.1);
        }

        double bicubicPsnr = state.BicubicPsnr ?? BicubicPsnr(validation, padding);
        var log = new TrainingLog(options.RunFolder);
        // The budget is this session's; the run's total time is what earlier sessions recorded plus it.
        var session = Stopwatch.StartNew();
        TimeSpan budget = options.Minutes is { } minutes ? TimeSpan.FromMinutes(minutes) : TimeSpan.MaxValue;
        double earlierMinutes = state.ElapsedMinutes;
        double ElapsedMinutes() => earlierMinutes + session.Elapsed.TotalMinutes;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = Channel.CreateBounded<TrainingBatch>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
        Task producer = ProduceAsync(sampler, batches.Writer, options.Seed + (int)(state.Step % int.MaxValue), stop.Token);

        if (state.Step == 0)
        {
            // Epoch 0: the untrained network, so the log shows where training started from.
            var (initialLoss, initialPsnr) = Validate(model, validation);
            log.Append(new TrainingLog.Row(0, 0, initialLoss, initialLoss, initialPsnr, bicubicPsnr, options.LearningRate, 0, 0));
        }

        long step = state.Step;
        int epoch = state.Epoch;
        double lossSum = 0;
        int lossCount = 0;
        var epochClock = Stopwatch.StartNew();
        long epochStartStep = step;
        bool interrupted = false;
        model.train();
        try
        {
            while (step < options.Steps)
            {
                if (cancellationToken.IsCancellationRequested || session.Elapsed >= budget)
                {
                    interrupted = true;
                    break;
                }
                TrainingBatch batch;
                try
                {
                    batch = await batches.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    interrupted = true;
                    break;
                }

                double learningRate = LearningRateAt(step);
                optimizer.LearningRate = learningRate;
                double loss = TrainStep(model, optimizer, batch);
                step++;
                // The weights are already spoiled, so nothing of them is saved: the checkpoint on
                // disk stays the last one that validated.
                TrainingDivergedException.ThrowIfNotFinite(loss, "training loss", step, state.Step, options.RunFolder);
                lossSum += loss;
                lossCount++;

                if (step % 10 == 0)
                {
                    double rate = (step - epochStartStep) / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9);
                    Report(progress, step, options.Steps, epoch, lossSum / lossCount, state.LastValidationPsnr, bicubicPsnr, rate, TimeSpan.FromMinutes(ElapsedMinutes()));
                }

                if (step % options.StepsPerEpoch == 0 || step == options.Steps)
                {
                    epoch++;
                    var (validationLoss, validationPsnr) = Validate(model, validation);
                    TrainingDivergedException.ThrowIfNotFinite(validationLoss, "validation loss", step, state.Step, options.RunFolder);
                    double rate = (step - epochStartStep) / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9);
                    double elapsedMinutes = ElapsedMinutes();
                    log.Append(new TrainingLog.Row(epoch, step, lossSum / Math.Max(lossCount, 1), validationLoss, validationPsnr, bicubicPsnr, learningRate, rate, elapsedMinutes));
                    log.Plot($"{options.ModelName}: {trainImages.Count} photos, batch {options.BatchSize}, patch {options.PatchSize}");
                    state = new TrainingState
                    {
                        Step = step,
                        Epoch = epoch,
                        ElapsedMinutes = elapsedMinutes,
                        LastValidationPsnr = validationPsnr,
                        BestValidationPsnr = Math.Max(state.BestValidationPsnr ?? double.MinValue, validationPsnr),
                        BicubicPsnr = bicubicPsnr,
                    };
                    SaveCheckpoint(model, optimizer, state, trainImages.Count);
                    Report(progress, step, options.Steps, epoch, lossSum / Math.Max(lossCount, 1), validationPsnr, bicubicPsnr, rate, TimeSpan.FromMinutes(elapsedMinutes),
                        $"epoch {epoch}: val PSNR {validationPsnr:F2} dB (bicubic {bicubicPsnr:F2} dB)");
                    lossSum = 0;
                    lossCount = 0;
                    epochClock.Restart();
                    epochStartStep = step;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (interrupted && step > state.Step)
        {
            state = state with { Step = step, ElapsedMinutes = ElapsedMinutes() };
            SaveCheckpoint(model, optimizer, state, trainImages.Count);
        }
        bool finished = step >= options.Steps;
        if (finished)
        {
            model.eval();
            ModelFile.Save(options.OutputPath, model, Header(state, trainImages.Count));
        }
        return new TrainingResult(step, finished, state.LastValidationPsnr, bicubicPsnr, finished ? options.OutputPath : CheckpointPath, options.RunFolder);
    }

    /// <summary>Cosine from the initial rate down to FinalLearningRateFraction of it over Steps.</summary>
    public double LearningRateAt(long step)
    {
        double progress = Math.Clamp((double)step / options.Steps, 0, 1);
        double floor = options.LearningRate * options.FinalLearningRateFraction;
        return floor + (options.LearningRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private double TrainStep(SplitSpliceNet model, AdamOptimizer optimizer, TrainingBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        Tensor low = torch.tensor(batch.Low, [batch.Count, batch.Channels, batch.LowSide, batch.LowSide]);
        Tensor high = torch.tensor(batch.High, [batch.Count, batch.Channels, batch.HighSide, batch.HighSide]);
        optimizer.ZeroGrad();
        Tensor loss = Loss(model.call(low), high);
        loss.backward();
        optimizer.Step();
        return loss.item<float>();
    }

    private Tensor Loss(Tensor output, Tensor target) => options.Loss switch
    {
        LossKind.L1 => nn.functional.l1_loss(output, target),
        LossKind.Charbonnier => Charbonnier(output.sub(target)),
        _ => nn.functional.mse_loss(output, target),
    };

    // sqrt(d^2 + eps^2), with the scalar kept alive across the native call (see ColorSpaces).
    private static Tensor Charbonnier(Tensor difference)
    {
        using var epsilon = 1e-6.ToScalar();
        return torch.sqrt(Square(difference).add(epsilon, TorchScalars.One)).mean();
    }

    // TorchSharp's square() is pow(2) with an implicit scalar, which a collection can free mid-call (see TorchScalars).
    private static Tensor Square(Tensor x) => x.mul(x);

    private static (double Loss, double Psnr) Validate(SplitSpliceNet model, TrainingBatch validation)
    {
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            double squaredError = 0;
            long count = 0;
            const int chunk = 8;
            for (int start = 0; start < validation.Count; start += chunk)
            {
                int n = Math.Min(chunk, validation.Count - start);
                var (low, high) = Slice(validation, start, n);
                Tensor output = model.call(low);
                squaredError += Square(output.sub(high)).sum().item<float>();
                count += high.numel();
            }
            double mse = squaredError / count;
            return (mse, 10 * Math.Log10(1 / mse));
        }
        finally
        {
            model.train();
        }
    }

    private static double BicubicPsnr(TrainingBatch validation, int padding)
    {
        using var scope = torch.NewDisposeScope();
        var (low, high) = Slice(validation, 0, validation.Count);
        Tensor up = ColorSpaces.ClipUnit(nn.functional.interpolate(low, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bicubic, align_corners: false));
        long side = validation.HighSide;
        Tensor centre = up[.., .., TensorIndex.Slice(2 * padding, 2 * padding + side), TensorIndex.Slice(2 * padding, 2 * padding + side)];
        double mse = Square(centre.sub(high)).mean().item<float>();
        return 10 * Math.Log10(1 / mse);
    }

    private static (Tensor Low, Tensor High) Slice(TrainingBatch batch, int start, int count)
    {
        int lowSize = batch.Channels * batch.LowSide * batch.LowSide;
        int highSize = batch.Channels * batch.HighSide * batch.HighSide;
        Tensor low = torch.tensor(batch.Low.AsSpan(start * lowSize, count * lowSize).ToArray(), [count, batch.Channels, batch.LowSide, batch.LowSide]);
        Tensor high = torch.tensor(batch.High.AsSpan(start * highSize, count * highSize).ToArray(), [count, batch.Channels, batch.HighSide, batch.HighSide]);
        return (low, high);
    }

    private async Task ProduceAsync(PatchSampler sampler, ChannelWriter<TrainingBatch> writer, int seed, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var random = new Random(seed);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await writer.WriteAsync(sampler.NextBatch(random, options.BatchSize), cancellationToken).ConfigureAwait(false);
            }
            writer.TryComplete();
        }
        catch (OperationCanceledException)
        {
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
            throw;
        }
    }

    // A residual network starts close to plain bicubic when its last layer starts small.
    private static void ScaleOutputLayer(SplitSpliceNet model, double factor)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.StartsWith("tail.output.", StringComparison.Ordinal))
            {
                using var scale = factor.ToScalar();
                parameter.mul_(scale);
            }
        }
    }

    private ModelHeader Header(TrainingState state, int images) => ModelFile.HeaderFor(options.ModelName, options.Architecture, options.ColorMode) with
    {
        Training = new TrainingRecord
        {
            Command = options.Command,
            Data = options.DataFolders.ToList(),
            Images = images,
            Steps = state.Step,
            BatchSize = options.BatchSize,
            PatchSize = options.PatchSize,
            Minutes = Math.Round(state.ElapsedMinutes, 2),
            Seed = options.Seed,
            Degradations = options.Degradations == Degradations.None ? null : options.Degradations.ToString(),
            Finished = DateTimeOffset.UtcNow,
        },
        Metrics = state.LastValidationPsnr is { } psnr
            ? new Dictionary<string, double> { ["val_psnr_db"] = Math.Round(psnr, 4), ["val_bicubic_psnr_db"] = Math.Round(state.BicubicPsnr ?? 0, 4) }
            : null,
    };

    private void SaveCheckpoint(SplitSpliceNet model, AdamOptimizer optimizer, TrainingState state, int images)
    {
        ModelFile.Save(CheckpointPath, model, Header(state, images));
        optimizer.Save(OptimizerPath);
        string stateTemporary = StatePath + ".partial";
        File.WriteAllText(stateTemporary, JsonSerializer.Serialize(state, ModelJson.Options));
        File.Move(stateTemporary, StatePath, overwrite: true);
    }

    private TrainingState LoadCheckpoint(SplitSpliceNet model, AdamOptimizer optimizer)
    {
        CopyWeights(CheckpointPath, model, $"The checkpoint in {options.RunFolder}", "start a new run folder or drop --resume");
        optimizer.Load(OptimizerPath);
        return JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(StatePath), ModelJson.Options)
            ?? throw new InvalidDataException($"{StatePath} is empty.");
    }

    /// <summary>Loads a model file's weights into the network being trained, after checking that they fit it.</summary>
    private void CopyWeights(string path, SplitSpliceNet model, string what, string remedy)
    {
        using var source = ModelFile.Load(path);
        var saved = JsonSerializer.Deserialize<SplitSpliceOptions>(source.Header.ArchitectureOptions, ModelJson.Options);
        if (saved is null || JsonSerializer.Serialize(saved, ModelJson.Options) != JsonSerializer.Serialize(options.Architecture, ModelJson.Options))
        {
            throw new InvalidDataException($"{what} is for a different architecture than --preset and --color ask for; {remedy}.");
        }
        using var noGrad = torch.no_grad();
        var target = model.state_dict();
        foreach (var (name, tensor) in source.Network.ModuleForm.state_dict())
        {
            target[name].copy_(tensor);
        }
    }

    private static void Report(IProgress<TrainingProgress>? progress, long step, long total, int epoch, double loss, double? psnr, double? bicubic, double rate, TimeSpan elapsed, string? message = null) =>
        progress?.Report(new TrainingProgress(step, total, epoch, loss, psnr, bicubic, rate, elapsed, message));
}
