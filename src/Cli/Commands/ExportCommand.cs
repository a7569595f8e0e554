using System.CommandLine;
using SeRanet.Video.Core.Files;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet export</c>: a model as a file other runtimes load (ONNX for vs-mlrt, chaiNNer, ...).</summary>
internal static class ExportCommand
{
    /// <summary>The formats --format takes; one for now, named so the command line stays stable when more come.</summary>
    private enum ExportFormat
    {
        Onnx,
    }

    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = "Model name (seranet-fast-deep, seranet-fast, seranet-v1, ...) or path to a .srnv file.",
        };
        var format = new Option<ExportFormat>("--format", "-f")
        {
            Description = "File format: onnx ([N, C, H, W] in [0, 1] to [N, C, 2H, 2W], edge padding inside).",
            Required = true,
        }.OneOf();
        var output = new Option<string>("--output", "-o")
        {
            Description = "The file to write, e.g. model.onnx.",
            Required = true,
        };
        var float16 = new Option<bool>("--fp16")
        {
            Description = "Float16 weights, input and output (for GPU runtimes) instead of float32.",
        };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX operator set, {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}.",
            DefaultValueFactory = _ => OnnxExportOptions.MinOpset,
        }.Between(OnnxExportOptions.MinOpset, OnnxExportOptions.MaxOpset);
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();

        var command = new Command("export", "Write a model as an ONNX file for other runtimes (vs-mlrt, avs-mlrt, chaiNNer, ONNX Runtime).")
        {
            model, format, output, float16, opset, overwrite, json,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, () =>
        {
            string path = result.GetValue(output)!;
            if (File.Exists(path) && !result.GetValue(overwrite))
            {
                throw new OutputExistsException(path);
            }
            var options = new OnnxExportOptions { Opset = result.GetValue(opset), Float16 = result.GetValue(float16) };
            using var loaded = ToolEnvironment.Models.Load(result.GetValue(model));
            OnnxExporter.Write(loaded, path, options);

            var summary = new ExportResult(path, loaded.Header.Name, loaded.Header.ColorMode == ColorMode.Y ? "Y" : "RGB",
                loaded.Network.Channels, options.Opset, options.Float16 ? "float16" : "float32", new FileInfo(path).Length);
            System.Console.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(summary, ModelJson.Options)
                : $"{summary.Output}: {loaded.Description}, {summary.Channels} channel(s) in and out, opset {summary.Opset}, {summary.Precision}, {summary.Bytes / 1024.0:F0} KiB");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return command;
    }

    private sealed record ExportResult(string Output, string Model, string ColorMode, int Channels, int Opset, string Precision, long Bytes);
}
