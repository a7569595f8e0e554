using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// <c>seranet prune</c>: writes a trained fusion model without its sigmoid path when that path is
/// saturated (see <see cref="SigmoidPathFolding"/>), and refuses, writing nothing, when either the
/// proved change at the branches or the measured change of the pictures is above half an 8-bit level.
/// </summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = "Model name (seranet-fast-deep-rgb, ...) or path to a .srnv file.",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The .srnv file to write.",
            Required = true,
        };
        var data = new Option<string>("--data")
        {
            Description = $"Folder of photos to check the folded model on (the centre, at most {FoldingCheck.CropSide}x{FoldingCheck.CropSide}, of every image in it), such as data/eval; synthetic extremes are always added.",
            Required = true,
        };
        var name = new Option<string?>("--name")
        {
            Description = "The pruned model's name (default: the model's name with -pruned added).",
        };
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();

        var command = new Command("prune",
            "Remove a fusion model's sigmoid path where training saturated it: bounds the change at the branches by interval arithmetic, folds the path's constant output into the branches, measures the output change on photos and synthetic extremes, and writes the smaller model only if both stay within half an 8-bit level.")
        {
            model, output, data, name, overwrite, json,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            string path = result.GetValue(output)!;
            if (File.Exists(path) && !result.GetValue(overwrite))
            {
                throw new OutputExistsException(path);
            }
            string folder = result.GetValue(data)!;
            var photos = ImageFolders.RequireImages(folder, $"Photo folder not found: {folder}.");
            using var loaded = ToolEnvironment.Models.Load(result.GetValue(model));
            if (loaded.Network is not SplitSpliceNet network || !network.Options.Fusion)
            {
                throw new InvalidOperationException($"{loaded.Description} has no sigmoid path to prune.");
            }
            var weights = network.state_dict();
            double bound = SigmoidPathFolding.BranchInputBound(weights, network.Options);
            if (bound > SigmoidPathFolding.MaximumChange)
            {
                throw new InvalidOperationException(
                    $"{loaded.Description}: its sigmoid path is not saturated enough to remove: folding could move the branches' inputs by up to {Levels(bound)} of an 8-bit level (at most 0.5 allowed). Nothing was written.");
            }

            var folded = SigmoidPathFolding.Folded(network.Options);
            string prunedName = result.GetValue(name) ?? $"{loaded.Header.Name}-pruned";
            using var smaller = new SplitSpliceNet(prunedName, folded);
            SigmoidPathFolding.Fold(weights, network.Options, smaller.state_dict());
            var check = new FoldingCheck(network, smaller);
            check.AddProbes();
            foreach (string photo in photos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var frame = await ImageFileReader.ReadAsync(photo, ToolEnvironment.Ffmpeg, cancellationToken);
                check.Add(ImagePlanes.FromFrame(frame));
            }
            if (check.LargestChange > SigmoidPathFolding.MaximumChange)
            {
                throw new InvalidOperationException(
                    $"{loaded.Description}: without its sigmoid path it changes an output value by {Levels(check.LargestChange)} of an 8-bit level on {check.Pictures} pictures (at most 0.5 allowed). Nothing was written.");
            }

            string conversion = string.Create(CultureInfo.InvariantCulture,
                $"{SigmoidPathFolding.ConversionPrefix} sigmoid path folded into the branches' biases; branch inputs move by at most {Levels(bound)} of an 8-bit level for every picture (interval bound); output values moved by at most {Levels(check.LargestChange)} on {check.Pictures} pictures ({photos.Count} photos of {Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))} and synthetic extremes); {network.MultiplyAddsPerPixel} -> {smaller.MultiplyAddsPerPixel} multiply-adds per input pixel");
            var header = loaded.Header with
            {
                Name = prunedName,
                ArchitectureOptions = JsonSerializer.SerializeToElement(folded, ModelJson.Options),
                Conversions = [.. loaded.Header.Conversions ?? [], conversion],
            };
            ModelFile.Save(path, smaller, header);
            System.Console.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(new
                {
                    output = path, model = header.Name, branch_input_bound = bound, measured_output_change = check.LargestChange,
                    pictures = check.Pictures, multiply_adds_before = network.MultiplyAddsPerPixel, multiply_adds_after = smaller.MultiplyAddsPerPixel,
                }, ModelJson.Options)
                : $"{path}: {header.Name} without its sigmoid path ({network.MultiplyAddsPerPixel} -> {smaller.MultiplyAddsPerPixel} multiply-adds per input pixel); output values moved by at most {Levels(check.LargestChange)} of an 8-bit level on {check.Pictures} pictures");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static string Levels(double change) => (change * 255).ToString("0.####", CultureInfo.InvariantCulture);
}
