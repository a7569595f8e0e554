using System.Diagnostics;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Training.Pretraining;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Numerics;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// Trains a split/splice network on folders of photos: Adam on random aligned patches,
/// cosine learning-rate schedule, validation PSNR each epoch, CSV log and plot, checkpoints
/// with resume, and a wall-time budget. Batches come from a <see cref="BatchProducer"/>; the
/// optimiser runs on the calling thread (torch dispose scopes are per thread). With a
/// <see cref="WeightAverage"/> (<c>--ema</c>), validation, the log and the model written are the
/// average's; the checkpoint keeps both.
/// </summary>
public sealed class Trainer(TrainerOptions options)
{
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
        progress?.Report(TrainingProgress.Note($"loading {trainFiles.Count} training and {validationFiles.Count} validation images"));
        var messages = new Progress<string>(m => progress?.Report(TrainingProgress.Note(m)));
        int minimumSide = Math.Max(options.PatchSize, TrainingValidation.PatchSize) + 2 * padding;
        var trainImages = await TrainingSetLoader.LoadAsync(trainFiles, options.PatchSize + 2 * padding, options.Degradations, options.Seed, options.Ffmpeg, messages, cancellationToken, options.ExtraScales, options.FullSize, options.CompressedVariants).ConfigureAwait(false);
        var validationImages = await TrainingSetLoader.LoadAsync(validationFiles, minimumSide, Degradations.None, options.Seed, options.Ffmpeg, messages, cancellationToken).ConfigureAwait(false);
        if (validationImages.Count == 0)
        {
            throw new InvalidDataException("No validation image is large enough for validation patches.");
        }

        var sampler = new PatchSampler(trainImages, options.PatchSize, padding, options.ColorMode, options.Degradations, options.DegradationProbability, options.SkipFlat, options.EdgeCrops);
        var validation = new TrainingValidation(validationImages, padding, options.ColorMode);

        using var network = ArchitectureRegistry.Build(architecture);
        var model = network.ModuleForm;
        using var optimizer = new AdamOptimizer(model.parameters(), options.LearningRate);
        var checkpoints = new CheckpointStore(options.RunFolder);
        var state = new TrainingState();
        double pretrainMinutes = 0;
        bool resumed = options.Resume && checkpoints.Exists;
        if (resumed)
        {
            state = checkpoints.Load(model, optimizer, architecture);
            progress?.Report(new TrainingProgress(state.Step, options.Steps, state.Epoch, 0, state.LastValidationPsnr, state.BicubicPsnr, 0,
                TimeSpan.FromMinutes(state.ElapsedMinutes), $"resumed at step {state.Step}"));
        }
        else if (options.InitialWeights is { } initial)
        {
            CheckpointStore.CopyWeights(initial, model, architecture, $"The model to start from ({initial})", "start from a model of the same preset and colour mode, or of a narrower or shallower preset it can grow from (or one without a sigmoid or context path)");
            progress?.Report(TrainingProgress.Note($"starting from the weights in {initial}", options.Steps));
        }
        else
        {
            ScaleOutputLayer(model, 0.1);
            if (options.Pretrain == PretrainKind.Crbm)
            {
                var pretraining = PretrainSigmoidPath(model, sampler, progress, cancellationToken);
                pretrainMinutes = pretraining.Minutes;
                state = state with { Pretraining = pretraining, ElapsedMinutes = pretrainMinutes };
            }
        }
        // Built only now, so the extra network's random initial weights take nothing from the
        // generator that initialisation and pre-training draw from: the same seed trains the same
        // network with or without --ema. It starts as a copy of the weights training starts from.
        using var averagedNetwork = options.AverageDecay is null ? null : ArchitectureRegistry.Build(architecture);
        var average = options.AverageDecay is { } decay ? new WeightAverage(model, averagedNetwork!.ModuleForm, decay) : null;
        if (average is not null && resumed && checkpoints.LoadAverage(average, state, architecture) is { } note)
        {
            progress?.Report(TrainingProgress.Note(note, options.Steps));
        }
        var shipped = average?.Model ?? model;

        double bicubicPsnr = state.BicubicPsnr ?? validation.BicubicPsnr();
        var log = new TrainingLog(options.RunFolder);
        // The budget is this session's, pre-training included; the run's total time is what
        // earlier sessions (and pre-training) recorded plus it.
        var session = Stopwatch.StartNew();
        TimeSpan budget = options.Minutes is { } minutes ? TimeSpan.FromMinutes(minutes - pretrainMinutes) : TimeSpan.MaxValue;
        double earlierMinutes = state.ElapsedMinutes;
        double ElapsedMinutes() => earlierMinutes + session.Elapsed.TotalMinutes;

        long step = state.Step;
        bool interrupted = false;
        await using (var batches = new BatchProducer(sampler, options.BatchSize, options.Seed + (int)(state.Step % int.MaxValue), cancellationToken))
        {
            if (state.Step == 0)
            {
                // Epoch 0: the untrained network, so the log shows where training started from.
                var (initialLoss, initialPsnr) = validation.Run(shipped);
                log.Append(new TrainingLog.Row(0, 0, initialLoss, initialLoss, initialPsnr, bicubicPsnr, options.LearningRate, 0, ElapsedMinutes()));
            }

            int epoch = state.Epoch;
            double lossSum = 0;
            int lossCount = 0;
            var epochClock = Stopwatch.StartNew();
            long epochStartStep = step;
            double StepsPerSecond() => (step - epochStartStep) / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9);
            model.train();
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
                    batch = await batches.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    interrupted = true;
                    break;
                }

                double learningRate = LearningRateAt(step);
                optimizer.LearningRate = learningRate;
                double loss = TrainStep(model, optimizer, batch);
                average?.Update();
                step++;
                // The weights are already spoiled, so nothing of them is saved: the checkpoint on
                // disk stays the last one that validated.
                TrainingDivergedException.ThrowIfNotFinite(loss, "training loss", step, state.Step, options.RunFolder);
                lossSum += loss;
                lossCount++;

                if (step % 10 == 0)
                {
                    progress?.Report(new TrainingProgress(step, options.Steps, epoch, lossSum / lossCount, state.LastValidationPsnr, bicubicPsnr,
                        StepsPerSecond(), TimeSpan.FromMinutes(ElapsedMinutes())));
                }

                if (step % options.StepsPerEpoch == 0 || step == options.Steps)
                {
                    epoch++;
                    var (validationLoss, validationPsnr) = validation.Run(shipped);
                    TrainingDivergedException.ThrowIfNotFinite(validationLoss, "validation loss", step, state.Step, options.RunFolder);
                    // The trained weights' own figure, beside the average's, says what averaging buys;
                    // they are checked too, since the average can stay finite a while after they blow up.
                    string trainedPsnr = "";
                    if (average is not null)
                    {
                        var trained = validation.Run(model);
                        TrainingDivergedException.ThrowIfNotFinite(trained.Loss, "validation loss of the trained weights", step, state.Step, options.RunFolder);
                        trainedPsnr = $", trained weights {trained.Psnr:F3} dB";
                    }
                    double rate = StepsPerSecond();
                    double elapsedMinutes = ElapsedMinutes();
                    double trainLoss = lossSum / Math.Max(lossCount, 1);
                    log.Append(new TrainingLog.Row(epoch, step, trainLoss, validationLoss, validationPsnr, bicubicPsnr, learningRate, rate, elapsedMinutes));
                    log.Plot($"{options.ModelName}: {trainImages.Count} photos, batch {options.BatchSize}, patch {options.PatchSize}");
                    state = new TrainingState
                    {
                        Step = step,
                        Epoch = epoch,
                        ElapsedMinutes = elapsedMinutes,
                        LastValidationPsnr = validationPsnr,
                        BestValidationPsnr = Math.Max(state.BestValidationPsnr ?? double.MinValue, validationPsnr),
                        BicubicPsnr = bicubicPsnr,
                        Pretraining = state.Pretraining,
                    };
                    Checkpoint(state, trainImages.Count);
                    progress?.Report(new TrainingProgress(step, options.Steps, epoch, trainLoss, validationPsnr, bicubicPsnr, rate, TimeSpan.FromMinutes(elapsedMinutes),
                        $"epoch {epoch}: val PSNR {validationPsnr:F2} dB (bicubic {bicubicPsnr:F2} dB{trainedPsnr})"));
                    lossSum = 0;
                    lossCount = 0;
                    epochClock.Restart();
                    epochStartStep = step;
                }
            }
        }

        if (interrupted && step > state.Step)
        {
            state = state with { Step = step, ElapsedMinutes = ElapsedMinutes() };
            Checkpoint(state, trainImages.Count);
        }
        bool finished = step >= options.Steps;
        if (finished)
        {
            shipped.eval();
            ModelFile.Save(options.OutputPath, shipped, Header(state, trainImages.Count));
        }
        return new TrainingResult(step, finished, state.LastValidationPsnr, bicubicPsnr, finished ? options.OutputPath : RunFolderLayout.ShippedCheckpoint(options.RunFolder) ?? checkpoints.ModelPath, options.RunFolder);

        // The trained weights' header says they are no average and carries no figure (the log's is the average's).
        void Checkpoint(TrainingState at, int images)
        {
            var header = Header(at, images);
            var trainedHeader = average is null ? header : header with { Training = header.Training! with { AverageDecay = null }, Metrics = null };
            checkpoints.Save(model, optimizer, at, trainedHeader, average is null ? null : (average, header));
        }
    }

    private PretrainingRecord PretrainSigmoidPath(nn.Module<Tensor, Tensor> model, PatchSampler sampler, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var log = new PretrainingLog(options.RunFolder);
        log.Start();
        var pretrainer = new CrbmPretrainer(sampler, options.BatchSize, options.PretrainSteps, CrbmPretrainer.DefaultLearningRate, options.Seed,
            Math.Min(options.StepsPerEpoch, options.PretrainSteps));
        model.train();
        var outcome = pretrainer.Run(model, epoch =>
        {
            log.Append(epoch);
            progress?.Report(TrainingProgress.Note(
                $"CRBM pre-training {CrbmPretrainer.SigmoidPath}.conv{epoch.Layer}: step {epoch.Step}/{options.PretrainSteps}, reconstruction error {epoch.ReconstructionError:G4}", options.Steps));
        }, cancellationToken);
        return new PretrainingRecord
        {
            Method = "crbm",
            Layers = Enumerable.Range(1, outcome.Layers).Select(i => $"{CrbmPretrainer.SigmoidPath}.conv{i}").ToList(),
            StepsPerLayer = outcome.StepsPerLayer,
            LearningRate = CrbmPretrainer.DefaultLearningRate,
            InitialReconstructionErrors = outcome.InitialErrors.Select(e => Math.Round(e, 6)).ToList(),
            FinalReconstructionErrors = outcome.FinalErrors.Select(e => Math.Round(e, 6)).ToList(),
            Minutes = Math.Round(outcome.Minutes, 3),
        };
    }

    /// <summary>Cosine from the initial rate down to FinalLearningRateFraction of it over Steps.</summary>
    public double LearningRateAt(long step)
    {
        double progress = Math.Clamp((double)step / options.Steps, 0, 1);
        double floor = options.LearningRate * options.FinalLearningRateFraction;
        return floor + (options.LearningRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private double TrainStep(nn.Module<Tensor, Tensor> model, AdamOptimizer optimizer, TrainingBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        Tensor low = torch.tensor(batch.Low, [batch.Count, batch.Channels, batch.LowSide, batch.LowSide]);
        Tensor high = torch.tensor(batch.High, [batch.Count, batch.Channels, batch.HighSide, batch.HighSide]);
        optimizer.ZeroGrad();
        Tensor loss = TrainingLoss.Of(options.Loss, model.call(low), high);
        loss.backward();
        optimizer.Step();
        return loss.item<float>();
    }

    // A residual network starts close to plain bicubic when its last layer starts small.
    private static void ScaleOutputLayer(nn.Module<Tensor, Tensor> model, double factor)
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
            Pretraining = state.Pretraining,
            AverageDecay = options.AverageDecay,
            Finished = DateTimeOffset.UtcNow,
        },
        Metrics = state.LastValidationPsnr is { } psnr
            ? new Dictionary<string, double> { ["val_psnr_db"] = Math.Round(psnr, 4), ["val_bicubic_psnr_db"] = Math.Round(state.BicubicPsnr ?? 0, 4) }
            : null,
    };
}
