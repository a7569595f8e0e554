using System.CommandLine;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
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
            Description = $"Network shape: {string.Join(", ", Presets.Names)}.",
            DefaultValueFactory = _ => Presets.SeRanetFast,
        };
        preset.AcceptOnlyFromAmong([.. Presets.Names]);
        var color = new Option<ColorMode>("--color")
        {
            Description = "rgb (the seed's default) or y (luma through the network, chroma by bicubic).",
            DefaultValueFactory = _ => ColorMode.Rgb,
        };
        var data = new Option<string[]>("--data")
        {
            Description = "Folders of training photos (fetch them with scripts/fetch-data.sh).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the trained model (.srnv).", Required = true };
        var run = new Option<string?>("--run") { Description = "Folder for checkpoints, CSV log and plot (default: runs/<model name>)." };
        var steps = new Option<long>("--steps") { Description = "Total optimiser steps (the length of the cosine schedule).", DefaultValueFactory = _ => 20_000 };
        var minutes = new Option<double?>("--minutes") { Description = "Stop after this many minutes with a checkpoint; continue later with --resume." };
        var batch = new Option<int>("--batch") { Description = "Patches per step.", DefaultValueFactory = _ => 16 };
        var patch = new Option<int>("--patch") { Description = "Low-resolution patch side, without context.", DefaultValueFactory = _ => 32 };
        var learningRate = new Option<double?>("--lr") { Description = "Initial Adam learning rate (default 1e-3; 2e-4 for seranet-v1)." };
        var epochSteps = new Option<int>("--epoch-steps") { Description = "Steps between validations and checkpoints.", DefaultValueFactory = _ => 500 };
        var loss = new Option<LossKind>("--loss") { Description = "mse (default), l1 or charbonnier.", DefaultValueFactory = _ => LossKind.Mse };
        var seed = new Option<int>("--seed") { Description = "Random seed, for reproducible runs.", DefaultValueFactory = _ => 1234 };
        var degrade = new Option<string?>("--degrade") { Description = "Comma-separated degradations of the input: jpeg, h264, noise, blur." };
        var degradeProbability = new Option<double>("--degrade-prob") { Description = "Chance that a patch gets each degradation.", DefaultValueFactory = _ => 0.5 };
        var skipFlat = new Option<double>("--skip-flat") { Description = "Chance that a near-flat patch (sky, walls) is drawn again, so batches hold more detail.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint in the run folder." };
        var init = new Option<string?>("--init") { Description = "Start from a trained model file of the same preset and colour mode (fine-tuning), with a fresh optimiser and schedule." };
        var scales = new Option<string?>("--scales") { Description = "Also train on each photo shrunk by these factors, e.g. 0.75,0.5 (sharper per pixel than big originals)." };
        var shrunkOnly = new Option<bool>("--shrunk-only") { Description = "Train only on the --scales copies, leaving out the photos at their own size." };

        var command = new Command("train", "Train a SeRanet network on folders of photos.")
        {
            preset, color, data, output, run, steps, minutes, batch, patch, learningRate, epochSteps, loss, seed, degrade, degradeProbability, skipFlat, resume, init, scales, shrunkOnly,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
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
                BatchSize = result.GetValue(batch),
                PatchSize = result.GetValue(patch),
                LearningRate = result.GetValue(learningRate) ?? (presetName == Presets.SeRanetV1 ? 2e-4 : 1e-3),
                StepsPerEpoch = result.GetValue(epochSteps),
                Loss = result.GetValue(loss),
                Seed = result.GetValue(seed),
                Degradations = ParseDegradations(result.GetValue(degrade)),
                DegradationProbability = result.GetValue(degradeProbability),
                SkipFlat = result.GetValue(skipFlat),
                Resume = result.GetValue(resume),
                InitialWeights = result.GetValue(init),
                ExtraScales = ParseScales(result.GetValue(scales)),
                FullSize = !result.GetValue(shrunkOnly),
                Command = "seranet " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };

            ConvolutionGuard.EnsureVerified(ConvolutionShape.Of(options.Architecture, NetworkForm.Module), backward: true);
            NumericsNotice.Announce(result);
            var outcome = await ProgressSink.RunAsync($"training {options.ModelName}", options.Steps, quiet: false, async sink =>
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

            System.Console.WriteLine(outcome.Finished
                ? $"Trained {outcome.Step} steps: {outcome.ModelPath} (validation {outcome.ValidationPsnr:F2} dB, bicubic {outcome.BicubicPsnr:F2} dB). Log and plot in {outcome.RunFolder}."
                : $"Stopped at step {outcome.Step} of {options.Steps}; checkpoint in {outcome.RunFolder}. Continue with the same command and --resume.");
            return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    // Only the parsing; TrainerOptions.Validate checks that each factor is between 0 and 1.
    private static List<double> ParseScales(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double scale)
                ? scale
                : throw new ArgumentException($"--scales takes shrink factors between 0 and 1, such as 0.75,0.5; got '{part}'."))
            .ToList();

    private static Degradations ParseDegradations(string? text)
    {
        var result = Degradations.None;
        foreach (string part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result |= Enum.TryParse<Degradations>(part, ignoreCase: true, out var value) && value != Degradations.None
                ? value
                : throw new ArgumentException($"Unknown degradation '{part}'; use jpeg, h264, noise or blur.");
        }
        return result;
    }
}
