using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Preview;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// <c>seranet preview</c>: one frame (or a short range) of a video as PNG, bicubic on the left and
/// SeRanet on the right, so the quality can be judged before committing hours to a whole file;
/// with <c>--report</c>, one HTML page of frames sampled across the video and an estimate of the
/// whole run (<see cref="PreviewReport"/>).
/// </summary>
internal static class PreviewCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The video to preview." }.RefusingFlags();
        var at = new Option<double?>("--at")
        {
            Description = "Time of the frame: seconds (62.5) or [hh:]mm:ss[.f] (00:01:02.5).",
        }.Accepting("a time of at least 0: seconds (62.5) or [hh:]mm:ss[.f] (00:01:02.5)", text => TryParseTime(text, out double seconds) ? (true, (double?)seconds) : (false, null));
        var frame = new Option<long?>("--frame") { Description = "Index of the frame, counting from 0." }.Between(0, long.MaxValue);
        var frames = new Option<(long First, long Last)?>("--frames")
        {
            Description = "A range of frames A-B (inclusive, counting from 0), each written as its own PNG.",
        }.Accepting("a range A-B of frame indices with A at most B, such as 100-110", text => TryParseRange(text, out var range) ? (true, range) : (false, null));
        var output = new Option<string>("--output", "-o")
        {
            Description = "The PNG to write (with --frames, NAME-INDEX.png files beside it), or a folder (an existing one, or a name ending in '/' or without extension) to fill with frame-INDEX.png files.",
            DefaultValueFactory = _ => "preview.png",
        };
        var crop = new Option<(int X, int Y, int W, int H)?>("--crop")
        {
            Description = "Only this region of the source, x,y,w,h in source pixels, shown enlarged.",
        }.Accepting("a region x,y,w,h in source pixels with w and h at least 1, such as 100,50,64,64", text => TryParseCrop(text, out var region) ? (true, region) : (false, null));
        var report = new Option<string?>("--report")
        {
            Description = "Write one self-contained HTML page instead: frames sampled across the video as bicubic | SeRanet sliders with zoomed crops, and an estimate of the whole upscale's time and size on this machine.",
        };
        var samples = new Option<int>("--samples")
        {
            Description = $"With --report: how many frames to sample, evenly across the video (1-{PreviewReportRequest.MaxSamples}).",
            DefaultValueFactory = _ => PreviewReportRequest.DefaultSamples,
        }.Between(1, PreviewReportRequest.MaxSamples);
        // A preview shows what upscale would write, so it runs upscale's model unless told otherwise.
        var model = CommonOptions.Model(ModelCatalog.DefaultVideoName);
        var device = CommonOptions.Device();
        var modelRun = new ModelRunOptions(scale: true, tile: true);
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();

        var command = new Command("preview", "Write one frame (or a range) side by side, bicubic | SeRanet, as PNG.")
        {
            input, at, frame, frames, output, crop, report, samples, model, device,
        };
        modelRun.AddTo(command);
        command.Add(overwrite);
        command.Add(json);
        command.Check(result =>
        {
            int given = (result.GetValue(at) is null ? 0 : 1) + (result.GetValue(frame) is null ? 0 : 1) + (result.GetValue(frames) is null ? 0 : 1);
            if (result.GetValue(report) is not null)
            {
                return given == 0 && result.GetValue(crop) is null ? null : "--report samples its own frames and crops; leave out --at, --frame, --frames and --crop.";
            }
            return given == 1 ? null : "Give exactly one of --at, --frame or --frames (or --report).";
        });
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            bool asJson = result.GetValue(json);
            var upscaleOptions = modelRun.Read(result);
            // Said when the model is loaded, before any frame, so a preview that fails later still says them.
            var modelWarnings = new SynchronousProgress<IReadOnlyList<string>>(warnings => NumericsNotice.Announce(result, warnings));
            if (result.GetValue(report) is { } reportPath)
            {
                string? reportModel = result.GetValue(model);
                var reportRun = await PreviewReport.RunAsync(new PreviewReportRequest
                {
                    Input = result.GetValue(input)!,
                    Output = reportPath,
                    Samples = result.GetValue(samples),
                    Model = new ModelChoice(reportModel, result.GetValue(device), upscaleOptions) { Catalog = ToolEnvironment.Models },
                    Ffmpeg = ToolEnvironment.Ffmpeg,
                    Overwrite = result.GetValue(overwrite),
                }, new SynchronousProgress<ReportSample>(sample =>
                {
                    if (!asJson)
                    {
                        System.Console.WriteLine($"frame {sample.Frame} at {sample.Seconds:F3} s: model {sample.ModelSeconds:F3} s");
                    }
                }), modelWarnings, cancellationToken);
                var estimate = reportRun.Estimate;
                if (asJson)
                {
                    System.Console.WriteLine(JsonSerializer.Serialize(new
                    {
                        report = reportRun.Path, model = reportRun.Model, device = reportRun.Device, backend = upscaleOptions.Backend.Name(), samples = reportRun.Samples,
                        estimate = new { estimate.Frames, estimate.ModelSecondsPerFrame, estimate.ModelSeconds, estimate.VideoBytes },
                    }, ModelJson.Options));
                }
                else
                {
                    System.Console.WriteLine($"{reportRun.Path}: {reportRun.Samples.Count} frames, bicubic | {reportRun.Model} on {reportRun.Device}; " +
                        $"estimate for the whole video: model {PreviewReportPage.Duration(estimate.ModelSeconds)}, video stream {PreviewReportPage.Bytes(estimate.VideoBytes)}");
                }
                return ExitCodes.Success;
            }
            var request = new PreviewRequest
            {
                Input = result.GetValue(input)!,
                Output = result.GetValue(output)!,
                Model = new ModelChoice(result.GetValue(model), result.GetValue(device), upscaleOptions) { Catalog = ToolEnvironment.Models },
                Ffmpeg = ToolEnvironment.Ffmpeg,
                Frames = result.GetValue(frames) ?? (result.GetValue(frame) is { } index ? (index, index) : null),
                AtSeconds = result.GetValue(at),
                Crop = result.GetValue(crop) is { } r ? new PreviewCrop(r.X, r.Y, r.W, r.H) : null,
                Overwrite = result.GetValue(overwrite),
            };
            var run = await FramePreviewer.RunAsync(request, new SynchronousProgress<PreviewImage>(image =>
            {
                if (!asJson)
                {
                    System.Console.WriteLine($"{image.Path}: frame {image.Frame} at {image.Seconds:F3} s, bicubic | {image.Model}");
                }
            }), modelWarnings, cancellationToken);
            if (asJson)
            {
                System.Console.WriteLine(JsonSerializer.Serialize(new { input = request.Input, model = run.Model, device = run.Device, backend = request.Model.Upscale.Backend.Name(), images = run.Images.Select(i => new { i.Path, i.Frame, i.Seconds, i.Width, i.Height }) }, ModelJson.Options));
            }
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Seconds from "62.5", "01:02.5" or "00:01:02.5".</summary>
    internal static bool TryParseTime(string text, out double seconds)
    {
        seconds = 0;
        foreach (string part in text.Split(':'))
        {
            if (!double.TryParse(part, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                return false;
            }
            seconds = seconds * 60 + value;
        }
        return true;
    }

    /// <summary>A-B with A at most B.</summary>
    internal static bool TryParseRange(string text, out (long First, long Last)? range)
    {
        string[] parts = text.Split('-');
        range = null;
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long first)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long last)
            && first <= last)
        {
            range = (first, last);
        }
        return range is not null;
    }

    /// <summary>x,y,w,h with w and h at least 1.</summary>
    internal static bool TryParseCrop(string text, out (int X, int Y, int W, int H)? region)
    {
        var values = text.Split(',').Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : -1).ToArray();
        region = values.Length == 4 && values.All(v => v >= 0) && values[2] >= 1 && values[3] >= 1
            ? (values[0], values[1], values[2], values[3])
            : null;
        return region is not null;
    }
}
