using System.CommandLine;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Training.Evaluation;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;
using Spectre.Console;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet eval</c>: how much better than bicubic and Lanczos a model is, on real photos.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "Folder of high-resolution reference images (data/eval after scripts/fetch-data.sh).",
            Required = true,
        };
        var models = new Option<string[]>("--model", "-m")
        {
            Description = $"Models to score (names or .srnv paths); repeat for several. Default: {ModelCatalog.DefaultImageName}, the default for photos.",
            AllowMultipleArgumentsPerToken = true,
        }.RefusingFlags();
        var external = new Option<string[]>("--external")
        {
            Description = "NAME=FOLDER: score another tool's 2x outputs of the low-resolution inputs (see --write-lr).",
            AllowMultipleArgumentsPerToken = true,
        }.RefusingFlags();
        var writeLow = new Option<string?>("--write-lr") { Description = "Write the low-resolution inputs here, for other tools to upscale." };
        var save = new Option<string?>("--save") { Description = "Write every method's output here, one folder per method." };
        var degrade = new Option<InputDegradation?>("--degrade")
        {
            Description = "Compress the low-resolution input first, as video or web images are: h264:CRF (0-51) or jpeg:Q (ffmpeg qscale 2-31).",
            CustomParser = argument =>
            {
                try
                {
                    return InputDegradation.Parse(argument.Tokens[0].Value);
                }
                catch (FormatException)
                {
                    argument.AddError($"--degrade wants {InputDegradation.Syntax}, not '{argument.Tokens[0].Value}'.");
                    return null;
                }
            },
        };
        var device = CommonOptions.Device();
        var modelRun = new ModelRunOptions();
        var json = CommonOptions.Json();

        var command = new Command("eval", "Score models against bicubic and Lanczos on a folder of photos (Y-PSNR, RGB PSNR, SSIM).")
        {
            data, models, external, writeLow, save, degrade, device,
        };
        modelRun.AddTo(command);
        command.Add(json);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            string folder = result.GetValue(data)!;
            var images = ImageFolders.RequireImages(folder, $"Evaluation folder not found: {folder}. Fetch the public set with scripts/fetch-data.sh.");

            var options = modelRun.Read(result);
            var torchDevice = ComputeDevice.Resolve(result.GetValue(device), options.Backend, out _);
            var evaluator = new Evaluator(ToolEnvironment.Ffmpeg).WithConventionalBaselines().WithInputDegradation(result.GetValue(degrade));
            var upscalers = new List<ImageUpscaler>();
            var runs = new List<ModelRun>();
            try
            {
                string[] names = result.GetValue(models) is { Length: > 0 } given ? given : [ModelCatalog.DefaultImageName];
                foreach (string name in names)
                {
                    var upscaler = ImageUpscaler.Open(ToolEnvironment.Models, name, torchDevice, options);
                    upscalers.Add(upscaler);
                    var run = ModelRun.Of(name, upscaler);
                    runs.Add(run);
                    evaluator.With(run.Method, upscaler.Upscale);
                }
                NumericsNotice.Announce(result, [.. upscalers.Zip(runs, (upscaler, run) => (run.Model, upscaler.Warnings))]);
                foreach (string pair in result.GetValue(external) ?? [])
                {
                    int equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0 || !Directory.Exists(pair[(equals + 1)..]))
                    {
                        throw new ArgumentException($"--external wants NAME=FOLDER with an existing folder, not '{pair}'.");
                    }
                    evaluator.WithExternal(pair[..equals], pair[(equals + 1)..]);
                }

                var evaluation = await evaluator.RunAsync(images, result.GetValue(writeLow), result.GetValue(save), cancellationToken);
                if (result.GetValue(json))
                {
                    // The runs say which method is which model as asked for, so scripts need not rebuild the labels.
                    var report = JsonSerializer.SerializeToNode(evaluation, ModelJson.Options)!.AsObject();
                    report.Add("runs", JsonSerializer.SerializeToNode(runs, ModelJson.Options));
                    System.Console.WriteLine(report.ToJsonString(ModelJson.Options));
                }
                else
                {
                    Print(evaluation);
                }
                return ExitCodes.Success;
            }
            finally
            {
                upscalers.ForEach(u => u.Dispose());
            }
        }, cancellationToken));
        return command;
    }

    /// <summary>One model scored: as asked for (<c>--model</c>), its name, how it ran, and its column.</summary>
    /// <param name="Bf16OnFp32Kernels">bf16 ran on float32 kernels for this model (as <c>seranet bench --json</c> says it).</param>
    private sealed record ModelRun(string Model, string Name, string Precision, bool Tta, bool Bf16OnFp32Kernels, string Method)
    {
        public static ModelRun Of(string asked, ImageUpscaler upscaler)
        {
            string method = upscaler.Precision == InferencePrecision.Fp32 ? upscaler.Header.Name : $"{upscaler.Header.Name} ({upscaler.Precision.Name()})";
            method += upscaler.SelfEnsemble ? " (tta)" : "";
            return new ModelRun(asked, upscaler.Header.Name, upscaler.Precision.Name(), upscaler.SelfEnsemble, upscaler.Numbers == ConvolutionNumbers.Bf16OnFp32Kernels, method);
        }
    }

    private static void Print(EvaluationResult evaluation)
    {
        var table = new Table().AddColumn("image");
        var methods = evaluation.Means.Select(m => m.Method).ToList();
        foreach (string method in methods)
        {
            table.AddColumn(new TableColumn(Markup.Escape(method)).RightAligned());
        }
        foreach (string image in evaluation.Images)
        {
            table.AddRow([Markup.Escape(image), .. methods.Select(m => Cell(evaluation.Scores.First(s => s.Image == image && s.Method == m)))]);
        }
        table.AddRow(["[bold]mean[/]", .. evaluation.Means.Select(m => $"[bold]{m.YPsnr:F2} / {m.RgbPsnr:F2} / {m.Ssim:F4}[/]")]);
        AnsiConsole.WriteLine("Y-PSNR dB / RGB PSNR dB / SSIM(Y)");
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(evaluation.Protocol);
    }

    private static string Cell(ImageScore score) => $"{score.YPsnr:F2} / {score.RgbPsnr:F2} / {score.Ssim:F4}";
}
