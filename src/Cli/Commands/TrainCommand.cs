using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Numerics;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet train</c>: train a preset on folders of photos.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset")
        {
            Description = $"Network shape: {OptionValues.Alternatives(Presets.Names)}.",
            DefaultValueFactory = _ => Presets.SeRanetFast,
        }.OneOf(Presets.Names);
        var color = new Option<ColorMode>("--color")
        {
            Description = "rgb (the seed's default) or y (luma through the network, chroma by bicubic).",
            DefaultValueFactory = _ => ColorMode.Rgb,
        }.OneOf();
        var data = new Option<string[]>("--data")
        {
            Description = "Folders of training photos (fetch them with scripts/fetch-data.sh).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        }.RefusingFlags();
        var output = new Option<string>("--output", "-o") { Description = "Where to write the trained model (.srnv).", Required = true };
        var run = new Option<string?>("--run") { Description = "Folder for checkpoints, CSV log and plot (default: runs/<model name>)." };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps (the length of the cosine schedule).", DefaultValueFactory = _ => 20_000 }.Between(1, long.MaxValue);
        var minutes = new Option<double?>("--minutes") { Description = "Stop after this many minutes with a checkpoint; continue later with --resume." }
            .Number("a number of minutes above 0", value => value > 0);
        var batchSize = new Option<int>("--batch-size") { Description = "Patches per optimiser step.", DefaultValueFactory = _ => 16 }.Between(1, 65535);
        var patch = new Option<int>("--patch") { Description = "Low-resolution patch side, without context.", DefaultValueFactory = _ => 32 }.Between(4, 4096);
        var learningRate = new Option<double?>("--lr") { Description = "Initial Adam learning rate (default 1e-3; 2e-4 for seranet-v1)." }
            .Number("a learning rate above 0, such as 1e-3", value => value > 0);
        var epochSteps = new Option<int>("--epoch-steps") { Description = "Steps between validations and checkpoints.", DefaultValueFactory = _ => 500 }.Between(1, int.MaxValue);
        var loss = new Option<LossKind>("--loss") { Description = "mse (default), l1 or charbonnier.", DefaultValueFactory = _ => LossKind.Mse }.OneOf();
        var seed = new Option<int>("--seed") { Description = "Random seed, for reproducible runs.", DefaultValueFactory = _ => 1234 }.Between(int.MinValue, int.MaxValue);
        var degrade = new Option<Degradations>("--degrade") { Description = "Comma-separated degradations of the input: jpeg, h264, noise, blur." }
            .Accepting("a comma-separated list of jpeg, h264, noise and blur", ParseDegradations);
        var degradeProbability = new Option<double>("--degrade-prob") { Description = "Chance that a patch gets each degradation.", DefaultValueFactory = _ => 0.5 }
            .Number("a probability from 0 to 1", value => value is >= 0 and <= 1);
        var degradeVariants = new Option<int>("--degrade-variants") { Description = "Compressed copies of each photo per codec, each at its own random quality.", DefaultValueFactory = _ => 1 }.Between(1, 16);
        var skipFlat = new Option<double>("--skip-flat") { Description = "Chance that a near-flat patch (sky, walls) is drawn again, so batches hold more detail.", DefaultValueFactory = _ => 0 }
            .Number("a probability from 0 to 1", value => value is >= 0 and <= 1);
        var edgeCrops = new Option<double>("--edge-crops")
        {
            Description = "Chance that a patch lies against the photo's edge, its context past the edge repeated from the edge as when upscaling, so the network learns image borders too.",
            DefaultValueFactory = _ => 0,
        }.Number("a probability from 0 to 1", value => value is >= 0 and <= 1);
        var ema = new Option<double?>("--ema")
        {
            Description = "Keep a moving average of the weights with this decay (e.g. 0.999), and validate and write it instead of the last step's weights.",
        }.Number("a decay above 0 and below 1, such as 0.999", value => value is > 0 and < 1);
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint in the run folder." };
        var init = new Option<string?>("--init") { Description = "Start from a trained model file of the same preset and colour mode (fine-tuning), with a fresh optimiser and schedule; a Y model also starts an RGB run of its preset, and a smaller preset of the family starts a wider or deeper one, or one with a sigmoid or context path added (e.g. seranet-fast-deep into seranet-fast-wide, seranet-fast-nofusion-d8 into seranet-fast-nofusion-d8-ctx)." };
        var scales = new Option<List<double>>("--scales") { Description = "Also train on each photo shrunk by these factors, e.g. 0.75,0.5 (sharper per pixel than big originals)." }
            .Accepting("comma-separated shrink factors above 0 and below 1, such as 0.75,0.5", ParseScales);
        var shrunkOnly = new Option<bool>("--shrunk-only") { Description = "Train only on the --scales copies, leaving out the photos at their own size." };
        var pretrain = new Option<PretrainKind>("--pretrain")
        {
            Description = "Pre-train before supervised training: none (default) or crbm (the sigmoid path's convolutions as convolutional RBMs, CD-1, layer by layer).",
            DefaultValueFactory = _ => PretrainKind.None,
        }.OneOf();
        var pretrainSteps = new Option<int?>("--pretrain-steps") { Description = $"CD-1 updates per sigmoid-path layer with --pretrain crbm (default {TrainerOptions.DefaultPretrainSteps})." }
            .Between(1, int.MaxValue);
        var json = CommonOptions.Json();

        var command = new Command("train", "Train a SeRanet network on folders of photos.")
        {
            preset, color, data, output, run, steps, minutes, batchSize, patch, learningRate, epochSteps, loss, seed, degrade, degradeProbability, degradeVariants, skipFlat, edgeCrops, ema, resume, init, scales, shrunkOnly, pretrain, pretrainSteps, json,
        };
        command.Check(result => result.GetValue(pretrainSteps) is not null && result.GetValue(pretrain) != PretrainKind.Crbm
            ? "--pretrain-steps needs --pretrain crbm."
            : null);
        command.Check(result => result.GetValue(shrunkOnly) && result.GetValue(scales) is not { Count: > 0 }
            ? "--shrunk-only needs the shrink factors to train on, e.g. --scales 0.5,0.35."
            : null);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            string presetName = result.GetValue(preset)!;
            ColorMode colorMode = result.GetValue(color);
            string outPath = result.GetValue(output)!;
            var options = new TrainerOptions
            {
                ModelName = Path.GetFileNameWithoutExtension(outPath),
                Architecture = Presets.Get(presetName, colorMode == ColorMode.Y ? 1 : 3),
                ColorMode = colorMode,
                DataFolders = result.GetValue(data)!,
                OutputPath = outPath,
                RunFolder = result.GetValue(run) ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(outPath)),
                Steps = result.GetValue(steps),
                Minutes = result.GetValue(minutes),
                BatchSize = result.GetValue(batchSize),
                PatchSize = result.GetValue(patch),
                LearningRate = result.GetValue(learningRate) ?? (presetName == Presets.SeRanetV1 ? 2e-4 : 1e-3),
                StepsPerEpoch = result.GetValue(epochSteps),
                Loss = result.GetValue(loss),
                Seed = result.GetValue(seed),
                Degradations = result.GetValue(degrade),
                DegradationProbability = result.GetValue(degradeProbability),
                CompressedVariants = result.GetValue(degradeVariants),
                SkipFlat = result.GetValue(skipFlat),
                EdgeCrops = result.GetValue(edgeCrops),
                AverageDecay = result.GetValue(ema),
                Resume = result.GetValue(resume),
                InitialWeights = result.GetValue(init),
                ExtraScales = result.GetValue(scales) ?? [],
                FullSize = !result.GetValue(shrunkOnly),
                Pretrain = result.GetValue(pretrain),
                PretrainSteps = result.GetValue(pretrainSteps) ?? TrainerOptions.DefaultPretrainSteps,
                Ffmpeg = ToolEnvironment.Ffmpeg,
                Command = "seranet " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };

            NumericsNotice.Announce(result, ConvolutionGuard.EnsureVerified(ConvolutionShape.Of(options.Architecture, NetworkForm.Module), backward: true).Warnings);
            bool asJson = result.GetValue(json);
            var outcome = await ProgressSink.RunAsync($"training {options.ModelName}", options.Steps, quiet: asJson, async sink =>
            {
                var progress = new Progress<TrainingProgress>(p =>
                {
                    if (p.Message is not null)
                    {
                        sink.Note(p.Message);
                    }
                    sink.Update(p.Step, $"step {p.Step}/{p.TotalSteps} loss {p.TrainLoss:G4} " +
                        (p.ValidationPsnr is { } psnr ? $"val {psnr:F2} dB " : "") + $"{p.StepsPerSecond:F1} steps/s");
                });
                return await new Trainer(options).RunAsync(progress, cancellationToken);
            });

            System.Console.WriteLine(asJson ? JsonSerializer.Serialize(outcome, ModelJson.Options) : outcome.Finished
                ? $"Trained {outcome.Step} steps: {outcome.ModelPath} (validation {outcome.ValidationPsnr:F2} dB, bicubic {outcome.BicubicPsnr:F2} dB). Log and plot in {outcome.RunFolder}."
                : $"Stopped at step {outcome.Step} of {options.Steps}; checkpoint in {outcome.RunFolder}. Continue with the same command and --resume.");
            return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    // TrainerOptions.Validate checks the same range; here it is a usage error before any work.
    private static (bool, List<double>) ParseScales(string text)
    {
        var scales = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) || scale is <= 0 or >= 1)
            {
                return (false, scales);
            }
            scales.Add(scale);
        }
        return (scales.Count > 0, scales);
    }

    private static (bool, Degradations) ParseDegradations(string text)
    {
        var result = Degradations.None;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<Degradations>(part, ignoreCase: true, out var value) || value == Degradations.None || !Enum.IsDefined(value)
                || !char.IsLetter(part[0]))
            {
                return (false, result);
            }
            result |= value;
        }
        return (result != Degradations.None, result);
    }
}
