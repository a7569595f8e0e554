using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Cli.Images;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Training;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet image</c>: upscale photos, one file or a folder at a time.</summary>
internal static class ImageCommand
{
    private static readonly string[] FolderFormats = ["png", "jpg", "jpeg", "webp", "tif", "tiff", "bmp"];

    public static Command Create()
    {
        var inputs = new Argument<string[]>("input")
        {
            Description = "Image files or a folder of images.",
            Arity = ArgumentArity.OneOrMore,
        }.RefusingFlags();
        var output = new Option<string>("--output", "-o")
        {
            Description = "Output file (one input) or folder (a folder or several inputs). The format follows the extension: .png, .jpg, .webp, .tif, .bmp.",
            Required = true,
        };
        var format = new Option<string>("--format")
        {
            Description = $"Extension of the files written into an output folder: {OptionValues.Alternatives(FolderFormats)}.",
            DefaultValueFactory = _ => "png",
        }.OneOf(FolderFormats);
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var scale = CommonOptions.Scale();
        var tile = CommonOptions.Tile();
        var tileBatch = CommonOptions.TileBatch();
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();

        var command = new Command("image", "Upscale images (PNG, JPEG, WebP, TIFF, BMP; 8 and 16 bits per channel).")
        {
            inputs, output, format, model, device, scale, tile, tileBatch, overwrite, json,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            var jobs = PlanJobs(result.GetValue(inputs)!, result.GetValue(output)!, result.GetValue(format)!);
            bool asJson = result.GetValue(json);
            var torchDevice = ComputeDevice.Resolve(result.GetValue(device), out string deviceDescription);
            using var upscaler = new ImageUpscaler(ModelCatalog.Load(result.GetValue(model)), torchDevice, new UpscaleOptions
            {
                Scale = result.GetValue(scale),
                TileSize = result.GetValue(tile),
                MaxBatch = result.GetValue(tileBatch),
            });
            NumericsNotice.Announce(result);
            if (!asJson)
            {
                System.Console.Error.WriteLine($"model {ModelFile.Describe(upscaler.Header)} on {deviceDescription}, tile {upscaler.TileSize}");
            }

            var runner = new ImageJobRunner(upscaler, result.GetValue(overwrite));
            var reports = await runner.RunAsync(jobs, report =>
            {
                if (asJson)
                {
                    return;
                }
                if (report.Error is null)
                {
                    System.Console.WriteLine($"{report.Input}: {report.Width}x{report.Height} -> {report.Output} {report.OutputWidth}x{report.OutputHeight} ({report.BitDepth}-bit, {report.Seconds:F2} s)");
                }
                else
                {
                    System.Console.Error.WriteLine($"error: {report.Error}");
                }
            }, cancellationToken);
            if (asJson)
            {
                System.Console.WriteLine(JsonSerializer.Serialize(new { model = upscaler.Header.Name, device = deviceDescription, images = reports }, ModelJson.Options));
            }
            return reports.Any(r => r.Error is not null) ? ExitCodes.Failure : ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Pairs each input image with its output path; refuses to write over an input.</summary>
    private static List<ImageJob> PlanJobs(string[] inputs, string output, string format)
    {
        var sources = new List<string>();
        bool folderInput = false;
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                folderInput = true;
                var found = TrainingSetLoader.FindImages([input]);
                if (found.Count == 0)
                {
                    throw new FileNotFoundException($"No images in folder {input}.");
                }
                sources.AddRange(found);
            }
            else if (File.Exists(input))
            {
                sources.Add(input);
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {input}");
            }
        }

        bool toFolder = folderInput || sources.Count > 1 || Directory.Exists(output);
        var jobs = new List<ImageJob>();
        if (toFolder)
        {
            Directory.CreateDirectory(output);
            foreach (string source in sources)
            {
                jobs.Add(new ImageJob(source, Path.Combine(output, Path.GetFileNameWithoutExtension(source) + "." + format.TrimStart('.'))));
            }
        }
        else
        {
            jobs.Add(new ImageJob(sources[0], output));
        }
        foreach (var (source, destination) in jobs)
        {
            if (string.Equals(Path.GetFullPath(source), Path.GetFullPath(destination), StringComparison.Ordinal))
            {
                throw new ArgumentException($"The output {destination} is the input itself; choose another name.");
            }
        }
        return jobs;
    }
}
