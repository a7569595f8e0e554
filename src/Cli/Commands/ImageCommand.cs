using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Images;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet image</c>: upscale photos, one file or a folder at a time.</summary>
internal static class ImageCommand
{
    /// <summary>The command's word, which start-up also reads before parsing (TorchPreload, SingleArenaRestart).</summary>
    public const string Name = "image";

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
        var model = CommonOptions.Model(ModelCatalog.DefaultImageName);
        var device = CommonOptions.Device();
        var modelRun = new ModelRunOptions(scale: true, tile: true, tileBatch: true, memory: true);
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();
        var maxPixels = new Option<long>("--max-pixels")
        {
            Description = "Largest input picture to read, in pixels (default 100000000): a small file can declare a picture that would fill memory.",
            DefaultValueFactory = _ => ImageFileReader.DefaultMaxPixels,
        }.Accepting("a whole number of pixels of at least 1", text => long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) && value >= 1
            ? (true, value)
            : (false, 0));

        var command = new Command(Name, "Upscale images (PNG, JPEG, WebP, TIFF, BMP; 8 and 16 bits per channel).")
        {
            inputs, output, format, model, device,
        };
        modelRun.AddTo(command);
        command.Add(maxPixels);
        command.Add(overwrite);
        command.Add(json);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            var timings = new StartupTimings();
            timings.Mark(".NET start-up and the command line");
            bool verbose = result.GetValue(NumericsNotice.Verbose);
            var jobs = ImageJobPlanner.Plan(result.GetValue(inputs)!, result.GetValue(output)!, result.GetValue(format)!);
            bool asJson = result.GetValue(json);
            var choice = new ModelChoice(result.GetValue(model), result.GetValue(device), modelRun.Read(result)) { Catalog = ToolEnvironment.Models };
            // The model loads while the job decodes the first images, and its file is read while
            // libtorch loads (TorchPreload started that on the first line): for a few small photos,
            // start-up is most of the wait.
            choice.Upscale.Validate();
            var loading = Task.Run(() => LoadModel(choice, result, timings, verbose, asJson), cancellationToken);
            IReadOnlyList<ImageReport> reports;
            try
            {
                var runner = new ImageBatchUpscaler(UpscalerOf(loading), result.GetValue(overwrite), ToolEnvironment.Ffmpeg) { MaxInputPixels = result.GetValue(maxPixels) };
                var progress = new SynchronousProgress<ImageReport>(report =>
                {
                    if (!asJson)
                    {
                        Print(report);
                    }
                });
                reports = await runner.RunAsync(jobs, progress, cancellationToken);
                var loaded = await loading;
                if (asJson)
                {
                    System.Console.WriteLine(JsonSerializer.Serialize(new { model = loaded.Upscaler.Header.Name, device = loaded.Device, backend = loaded.Upscaler.Backend.Name(), precision = loaded.Upscaler.Precision.Name(), tta = loaded.Upscaler.SelfEnsemble, images = reports }, ModelJson.Options));
                }
            }
            finally
            {
                await LoadedUpscaler.DisposeWhenLoadedAsync(loading);
            }
            timings.Mark($"{reports.Count} image{(reports.Count == 1 ? "" : "s")}: read, network, write (overlapped; first image {(reports.Count > 0 ? reports[0].Seconds : 0):F3} s)");
            if (verbose)
            {
                timings.WriteTo(System.Console.Error);
                System.Console.Error.WriteLine(SingleArenaRestart.Describe());
            }
            return reports.Any(r => r.Error is not null) ? ExitCodes.Failure : ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>
    /// The model for <paramref name="choice"/>, loaded on a worker: its file is read and checked
    /// while libtorch is still loading (no libtorch needed), then the network is built once libtorch
    /// is there. Says which model runs where, unless the output is JSON.
    /// </summary>
    private static LoadedUpscaler LoadModel(ModelChoice choice, ParseResult result, StartupTimings timings, bool verbose, bool asJson)
    {
        var stored = choice.Catalog.Read(choice.Model);
        timings.Mark("model file read and checked (beside libtorch's loading)");
        TorchPreload.Wait();
        if (verbose)
        {
            // Only to time libtorch's loading apart from the model's; the model would load it anyway.
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
            timings.Mark("waiting for libtorch (the first images are read meanwhile)");
        }
        var loaded = UpscalerFactory.Create(choice, stored);
        timings.Mark($"network built, convolution self-check ({(Upscaler.Numerics.ConvolutionGuard.Current?.Checked.Elapsed.TotalSeconds ?? 0):F3} s), inference form");
        NumericsNotice.Announce(result, loaded.Upscaler.Warnings);
        if (!asJson)
        {
            System.Console.Error.WriteLine($"model {ModelFile.Describe(loaded.Upscaler.Header)} on {loaded.Device} ({loaded.Upscaler.RunDescription}), tile {loaded.Upscaler.TileSize}");
        }
        return loaded;
    }

    /// <summary>One line per image as it is written: where it went, or why it failed.</summary>
    private static void Print(ImageReport report)
    {
        if (report.Error is null)
        {
            System.Console.WriteLine($"{report.Input}: {report.Width}x{report.Height} -> {report.Output} {report.OutputWidth}x{report.OutputHeight} ({report.BitDepth}-bit, {report.Seconds:F2} s)");
        }
        else
        {
            System.Console.Error.WriteLine($"error: {(report.Cause is { } cause ? CommandErrors.InCliWords(cause) : report.Error)}");
        }
    }

    /// <summary>The upscaler once loaded; a failed load throws its own exception, not an aggregate.</summary>
    private static async Task<ImageUpscaler> UpscalerOf(Task<LoadedUpscaler> loading) => (await loading.ConfigureAwait(false)).Upscaler;
}
