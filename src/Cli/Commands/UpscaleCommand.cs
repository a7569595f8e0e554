using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Video;
using SeRanet.Video.Plugin.Video.Segments;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet upscale</c>: a video in, the same video 2x or 4x out, with its sound, subtitles, timing and colours.</summary>
internal static class UpscaleCommand
{
    /// <summary>Frames per model batch when --batch is not given: enough to keep a CPU or GPU busy, little memory.</summary>
    private const int DefaultFramesPerBatch = 4;

    public static Command Create() => Build(join: false);

    /// <summary><c>seranet join</c>: the chunks that shards left in the work folder, joined into the output (same options as their runs).</summary>
    public static Command CreateJoin() => Build(join: true);

    private static Command Build(bool join)
    {
        var input = new Argument<string>("input") { Description = "The video to upscale." }.RefusingFlags();
        var output = new Option<string>("--output", "-o")
        {
            Description = "The upscaled video. The container follows the extension (.mkv keeps every stream; .mp4 keeps audio).",
            Required = true,
        };
        // Videos are compressed: their default model is the one trained on compressed input.
        var model = CommonOptions.Model(ModelCatalog.DefaultVideoName);
        var device = CommonOptions.Device();
        var modelRun = new ModelRunOptions(scale: true, tile: true, tileBatch: true, memory: true);
        var batch = CommonOptions.Batch(DefaultFramesPerBatch);
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();
        var codec = new Option<string>("--codec")
        {
            Description = $"Video encoder: {string.Join(", ", EncoderOptions.KnownCodecs)} (or another ffmpeg encoder, unchecked).",
            DefaultValueFactory = _ => EncoderOptions.DefaultCodec,
        }.Accepting("an ffmpeg encoder name, such as libx264", text => (text.Length > 0 && !text.StartsWith('-'), text));
        var crf = new Option<int?>("--crf")
        {
            Description = "Constant quality, lower is better: libx264 and libx265 0-51 (default 18, 20), libsvtav1 0-63 (30), libvpx-vp9 0-63 (24); ffv1 is lossless and takes none.",
        }.Accepting("a whole number", text => int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? (true, (int?)value)
            : (false, null));
        var encoderPreset = new Option<string?>("--encoder-preset")
        {
            Description = $"Encoder speed preset: {OptionValues.Alternatives(EncoderOptions.X26xPresets)} (x264/x265); -2 to 13 (svt-av1).",
        };
        var pixelFormat = new Option<string?>("--pix-fmt") { Description = "Output pixel format (default: the source's chroma subsampling and bit depth)." };
        var ffmpegArgs = new Option<string[]>("--ffmpeg-arg")
        {
            Description = "One extra ffmpeg output argument; repeat it for several, and attach values that start with '-' with '=': --ffmpeg-arg=-tune --ffmpeg-arg=film.",
            Arity = ArgumentArity.OneOrMore,
        };

        var dropUnsupported = new Option<bool>("--drop-unsupported")
        {
            Description = "Leave out streams the output container cannot hold (extra video streams, bitmap subtitles, data) instead of refusing to start.",
        };

        var strict = new Option<bool>("--strict")
        {
            Description = "Fail, writing nothing, when the input gives fewer frames than it holds (a truncated or damaged file); " +
                "without it the frames that decode are upscaled and a warning says how many are missing.",
        };

        var segmentSeconds = new Option<double>("--segment-seconds")
        {
            Description = "Length of a segment. A video of two segments or more is done segment by segment in a hidden work folder beside the output, " +
                "so rerunning the same command after a crash resumes where it stopped (the same value must be given to every shard).",
            DefaultValueFactory = _ => VideoUpscaleRequest.DefaultSegmentSeconds,
        }.Number("a positive number of seconds", value => value > 0);
        var shard = new Option<ShardChoice?>("--shard")
        {
            Description = "K/N: do only shard K (0 to N-1) of N shares of the segments, in the shared work folder; the run that finds every chunk done joins them.",
        }.Accepting("K/N with 0 <= K < N, such as 0/4", text => ShardChoice.Parse(text) is { } parsed ? (true, parsed) : (false, null));

        var command = join
            ? new Command("join", "Join the chunks that 'seranet upscale --shard' runs left beside the output (give the same options as they had).")
            : new Command("upscale", "Upscale a video 2x or 4x, keeping its audio, subtitles, timing and colours.");
        foreach (var option in (Option[])[output, model, device, .. modelRun.Options, batch, codec, crf, encoderPreset, pixelFormat, ffmpegArgs, dropUnsupported, strict, segmentSeconds])
        {
            command.Add(option);
        }
        if (!join)
        {
            command.Add(shard);
        }
        command.Add(overwrite);
        command.Add(json);
        command.Add(input);
        // A command's validators see only the options given, not their defaults.
        command.Check(result => EncoderOptions.CheckQuality(result.GetValue(codec) ?? EncoderOptions.DefaultCodec, result.GetValue(crf), result.GetValue(encoderPreset)) is { } bad
            ? CommandErrors.InCliWords(bad)
            : null);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            bool asJson = result.GetValue(json);
            var request = new VideoUpscaleRequest
            {
                Input = result.GetValue(input)!,
                Output = result.GetValue(output)!,
                Overwrite = result.GetValue(overwrite),
                Model = new ModelChoice(result.GetValue(model), result.GetValue(device), modelRun.Read(result)) { Catalog = ToolEnvironment.Models },
                Ffmpeg = ToolEnvironment.Ffmpeg,
                Encoder = new EncoderOptions
                {
                    Codec = result.GetValue(codec)!,
                    Crf = result.GetValue(crf),
                    Preset = result.GetValue(encoderPreset),
                    PixelFormat = result.GetValue(pixelFormat),
                    ExtraArguments = result.GetValue(ffmpegArgs) ?? [],
                    DropUnsupportedStreams = result.GetValue(dropUnsupported),
                },
                FramesPerBatch = result.GetValue(batch),
                SegmentSeconds = result.GetValue(segmentSeconds),
                Shard = join ? null : result.GetValue(shard),
                JoinOnly = join,
                Strict = result.GetValue(strict),
            };
            // Fail on bad paths before the progress display starts.
            OutputPaths.Check(request.Input, request.Output, request.Overwrite);

            var warnings = new List<string>();
            var run = await ProgressSink.RunAsync("upscaling", 1, asJson, sink =>
                VideoUpscaler.RunAsync(request, new SynchronousProgress<VideoProgress>(p => Show(sink, p, asJson, result, warnings)), cancellationToken));

            var report = new UpscaleReport(request.Input, request.Output, run.Source.UprightWidth, run.Source.UprightHeight, run.OutputWidth, run.OutputHeight, run.Frames,
                run.WallSeconds, run.ModelSeconds, run.Frames / Math.Max(run.WallSeconds, 1e-9), run.OutputBytes, run.Codec, run.PixelFormat, run.Device,
                request.Model.Upscale.Backend.Name(), run.CopiedStreams.Select(Describe).ToList(), run.DroppedStreams.Select(Describe).ToList(), run.Segments, warnings);
            if (asJson)
            {
                System.Console.WriteLine(JsonSerializer.Serialize(report, ModelJson.Options));
            }
            else
            {
                foreach (var dropped in run.DroppedStreams)
                {
                    System.Console.Error.WriteLine($"warning: stream {Describe(dropped)} left out, as asked: {Path.GetExtension(request.Output)} cannot hold it.");
                }
                foreach (var (index, encoder) in run.ConvertedStreams)
                {
                    System.Console.Error.WriteLine($"note: stream {index} converted with {encoder}: {Path.GetExtension(request.Output)} cannot hold it as it is.");
                }
                if (run.Segments is { } segments)
                {
                    System.Console.WriteLine(
                        $"segments: {segments.Encoded} encoded, {segments.Skipped} already done, {segments.Total} in all" +
                        (segments.Shard is { } part ? $" (shard {part})" : "") + (segments.Joined ? "; joined" : $"; not joined yet, chunks kept in {segments.WorkFolder}"));
                }
                if (run.Segments is { Joined: false })
                {
                    return ExitCodes.Success;
                }
                System.Console.WriteLine(
                    $"{request.Output}: {report.Frames} frames, {report.OutputWidth}x{report.OutputHeight}, {report.WallSeconds:F1} s ({report.FramesPerSecond:F2} fps, model {report.ModelSeconds:F1} s), " +
                    $"{report.OutputBytes / 1048576.0:F1} MiB");
            }
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private sealed record UpscaleReport(string Input, string Output, int Width, int Height, int OutputWidth, int OutputHeight, long Frames,
        double WallSeconds, double ModelSeconds, double FramesPerSecond, long OutputBytes, string Codec, string PixelFormat, string Device,
        string Backend, IReadOnlyList<string> CopiedStreams, IReadOnlyList<string> DroppedStreams, SegmentSummary? Segments, IReadOnlyList<string> Warnings);

    private static void Show(ProgressSink sink, VideoProgress progress, bool asJson, ParseResult result, List<string> warnings)
    {
        if (progress.Note is { } note)
        {
            if (note.Kind == VideoNoteKind.Warning)
            {
                warnings.Add(note.Text);
            }
            switch (note.Kind)
            {
                case VideoNoteKind.Warning when asJson:
                    System.Console.Error.WriteLine($"warning: {note.Text}");
                    break;
                case VideoNoteKind.Warning:
                    sink.Note($"warning: {note.Text}");
                    break;
                case VideoNoteKind.ModelReady:
                    if (!asJson)
                    {
                        sink.Note(note.Text);
                    }
                    // The engine warns about the safe kernels itself; the passing check is --verbose's.
                    NumericsNotice.AnnounceIfVerbose(result);
                    if (result.GetValue(NumericsNotice.Verbose))
                    {
                        System.Console.Error.WriteLine(SingleArenaRestart.Describe());
                    }
                    break;
                default:
                    if (!asJson)
                    {
                        sink.Note(note.Text);
                    }
                    break;
            }
            return;
        }
        sink.SetTotal(progress.FramesTotal);
        sink.Update(progress.FramesDone, ProgressLine(progress));
    }

    private static string ProgressLine(VideoProgress progress)
    {
        double fps = progress.FramesPerSecond;
        long left = progress.FramesTotal - progress.FramesDone;
        string eta = fps > 0 && left > 0 ? TimeSpan.FromSeconds(left / fps).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        string segments = progress.Segments is { } part
            ? $"segment {part.Encoded + part.Skipped}/{part.ThisRun} ({part.Skipped} skipped), "
            : "";
        return $"{segments}frame {progress.FramesDone}/{progress.FramesTotal}, {fps:F2} fps, ETA {eta}";
    }

    private static string Describe(StreamSummary stream) => $"#{stream.Index} {stream.Kind} ({stream.CodecName})";
}
