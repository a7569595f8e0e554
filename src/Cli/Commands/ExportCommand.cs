using System.CommandLine;
using SeRanet.Video.Core.Files;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Inference.OnnxRuntime;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet export</c>: a model as a file other runtimes load (ONNX for vs-mlrt, chaiNNer, ...; an mpv user shader for mpv, libplacebo, Video2X).</summary>
internal static class ExportCommand
{
    private const string Onnx = "onnx";
    private const string MpvGlsl = "mpv-glsl";

    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = "Model name (seranet-fast-deep-rgb, seranet-fast-deep, seranet-fast-deep-video, seranet-fast, seranet-v1; seranet models lists them) or path to a .srnv file.",
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "File format: onnx ([N, C, H, W] in [0, 1] to [N, C, 2H, 2W], edge padding inside) "
                + "or mpv-glsl (an mpv/libplacebo user shader that upscales the luma plane, Y models only).",
            Required = true,
        }.OneOf([Onnx, MpvGlsl]);
        var output = new Option<string>("--output", "-o")
        {
            Description = "The file to write, e.g. model.onnx or seranet.glsl.",
            Required = true,
        };
        var float16 = new Option<bool>("--fp16")
        {
            Description = "Float16 weights, input and output (for GPU runtimes) instead of float32.",
        };
        var int8 = new Option<bool>("--int8")
        {
            Description = "An int8 graph (QDQ: 8-bit weights and activations around the inner convolutions, float input and output) "
                + "from the activation ranges kept with the model (NAME.int8.json; seranet calibrate): what --precision int8 runs, "
                + "for ONNX Runtime's 8-bit CPU kernels.",
        };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX operator set, {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}.",
            DefaultValueFactory = _ => OnnxExportOptions.MinOpset,
        }.Between(OnnxExportOptions.MinOpset, OnnxExportOptions.MaxOpset);
        var fullRange = new Option<bool>("--full-range")
        {
            Description = "mpv-glsl: the shader reads the luma as full range (0-255) instead of video levels (16-235), for JPEG-range sources.",
        };
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();

        var command = new Command("export", "Write a model for other runtimes: ONNX (vs-mlrt, avs-mlrt, chaiNNer, ONNX Runtime) or an mpv user shader (mpv, libplacebo, Video2X).")
        {
            model, format, output, float16, int8, opset, fullRange, overwrite, json,
        };
        command.Check(result => result.GetValue(format) == MpvGlsl
            ? (result.GetValue(float16) || result.GetValue(int8) || result.GetResult(opset) is { Implicit: false } ? "--fp16, --int8 and --opset apply to --format onnx only." : null)
            : result.GetValue(fullRange) ? "--full-range applies to --format mpv-glsl only."
            : result.GetValue(float16) && result.GetValue(int8) ? "--fp16 and --int8 cannot be combined: an int8 graph keeps float32 for what it does not quantise." : null);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, () =>
        {
            string path = result.GetValue(output)!;
            if (File.Exists(path) && !result.GetValue(overwrite))
            {
                throw new OutputExistsException(path);
            }
            if (result.GetValue(format) == MpvGlsl)
            {
                return Task.FromResult(WriteShader(result.GetValue(model)!, path, new MpvShaderOptions { LimitedRange = !result.GetValue(fullRange) }, result.GetValue(json)));
            }
            using var loaded = ToolEnvironment.Models.Load(result.GetValue(model));
            var options = new OnnxExportOptions
            {
                Opset = result.GetValue(opset),
                Float16 = result.GetValue(float16),
                // The graph --precision int8 runs, its edge padding inside like every exported file.
                Quantization = result.GetValue(int8) ? OnnxRuntimeNetwork.Int8For(loaded) : null,
            };
            OnnxExporter.Write(loaded, path, options);

            string precision = options.Quantization is not null ? "int8" : options.Float16 ? "float16" : "float32";
            var summary = new ExportResult(path, loaded.Header.Name, loaded.Header.ColorMode == ColorMode.Y ? "Y" : "RGB",
                loaded.Network.Channels, options.Opset, precision, new FileInfo(path).Length);
            System.Console.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(summary, ModelJson.Options)
                : $"{summary.Output}: {loaded.Description}, {summary.Channels} channel(s) in and out, opset {summary.Opset}, {summary.Precision}, {summary.Bytes / 1024.0:F0} KiB");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return command;
    }

    private static int WriteShader(string model, string path, MpvShaderOptions options, bool json)
    {
        using var loaded = ToolEnvironment.Models.Load(model);
        MpvShader shader = MpvShaderExporter.Write(loaded, path, options);
        var summary = new ShaderExportResult(path, loaded.Header.Name, MpvGlsl, shader.Passes, options.LimitedRange ? "limited" : "full", new FileInfo(path).Length);
        System.Console.WriteLine(json
            ? JsonSerializer.Serialize(summary, ModelJson.Options)
            : $"{summary.Output}: {loaded.Description}, mpv user shader, {summary.Passes} passes on the luma plane ({summary.LumaRange} range), {summary.Bytes / 1024.0:F0} KiB");
        return ExitCodes.Success;
    }

    private sealed record ShaderExportResult(string Output, string Model, string Format, int Passes, string LumaRange, long Bytes);

    private sealed record ExportResult(string Output, string Model, string ColorMode, int Channels, int Opset, string Precision, long Bytes);
}
