using System.CommandLine;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference.OnnxRuntime;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// <c>seranet calibrate</c>: measures a model's activation ranges on a folder of real photos for
/// <c>--precision int8</c>, once, into the NAME.int8.json kept beside the model, so the int8 graph
/// never depends on what a user upscales.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = "Model name (seranet-fast-deep, seranet-fast-deep-video, ...) or path to a .srnv file.",
        };
        var data = new Option<string>("--data")
        {
            Description = $"Folder of photos to measure on (the centre, at most {ActivationCalibration.CropSide}x{ActivationCalibration.CropSide}, of every image in it), such as data/train.",
            Required = true,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = $"The file to write: NAME{ActivationRanges.Extension} beside NAME{ModelFile.Extension}, where --precision int8 finds it.",
            Required = true,
        };
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();

        var command = new Command("calibrate", "Measure a model's activation ranges on real photos for --precision int8 (writes NAME.int8.json).")
        {
            model, data, output, overwrite, json,
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
            using var calibration = ActivationCalibration.Open(loaded);
            foreach (string photo in photos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var frame = await ImageFileReader.ReadAsync(photo, ToolEnvironment.Ffmpeg, cancellationToken);
                calibration.Add(ImagePlanes.FromFrame(frame));
            }
            var ranges = calibration.Result($"least-squared-error 8-bit range of each tensor over the centres (at most {ActivationCalibration.CropSide}x{ActivationCalibration.CropSide}) of the {photos.Count} photos of {Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))}, at their own resolution");
            ranges.Write(path);
            System.Console.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(new { output = path, model = ranges.Model, photos = ranges.Photos, tensors = ranges.Tensors.Count }, ModelJson.Options)
                : $"{path}: activation ranges of {ranges.Model} for int8, {ranges.Tensors.Count} tensors over {ranges.Photos} photos");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
