using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet upscale</c>: a video in, the same video 2x or 4x out, with its sound, subtitles, timing and colours.</summary>
internal static class UpscaleCommand
{
    /// <summary>Frames per model batch when --batch is not given: enough to keep a CPU or GPU busy, little memory.</summary>
    private const int DefaultFramesPerBatch = 4;

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The video to upscale." }.RefusingFlags();
        var output = new Option<string>("--output", "-o")
        {
            Description = "The upscaled video. The container follows the extension (.mkv keeps every stream; .mp4 keeps audio).",
            Required = true,
        };
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var scale = CommonOptions.Scale();
        var tile = CommonOptions.Tile();
        var tileBatch = CommonOptions.TileBatch();
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

        var command = new Command("upscale", "Upscale a video 2x or 4x, keeping its audio, subtitles, timing and colours.")
        {
            input, output, model, device, scale, tile, tileBatch, batch, codec, crf, encoderPreset, pixelFormat, ffmpegArgs, overwrite, json,
        };
        // A command's validators see only the options given, not their defaults.
        command.Check(result => EncoderOptions.CheckQuality(result.GetValue(codec) ?? EncoderOptions.DefaultCodec, result.GetValue(crf), result.GetValue(encoderPreset)));
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            string source = result.GetValue(input)!;
            string destination = result.GetValue(output)!;
            bool replace = result.GetValue(overwrite);
            CheckPaths(source, destination, replace);
            bool asJson = result.GetValue(json);
            var clock = Stopwatch.StartNew();

            // libtorch start-up and model load take about as long as probing; neither needs the
            // other, so they run side by side instead of adding to the run's wall time.
            var upscaleOptions = new UpscaleOptions { Scale = result.GetValue(scale), TileSize = result.GetValue(tile), MaxBatch = result.GetValue(tileBatch) };
            var encoderOptions = new EncoderOptions
            {
                Codec = result.GetValue(codec)!,
                Crf = result.GetValue(crf),
                Preset = result.GetValue(encoderPreset),
                PixelFormat = result.GetValue(pixelFormat),
                ExtraArguments = result.GetValue(ffmpegArgs) ?? [],
            };
            // Start-up is paid once per file, so its three slow parts run side by side: the model
            // loads while ffprobe reads the input and ffmpeg lists the encoder's pixel formats.
            var loading = Task.Run(() =>
            {
                var torchDevice = ComputeDevice.Resolve(result.GetValue(device), out string description);
                var upscaler = new ImageUpscaler(ModelCatalog.Load(result.GetValue(model)), torchDevice, upscaleOptions);
                NumericsNotice.Announce(result);
                return new LoadedUpscaler(upscaler, description);
            }, cancellationToken);
            VideoInfo video;
            string outputPixelFormat;
            using (var probing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var supported = EncoderCapabilities.PixelFormatsAsync(encoderOptions.Codec, probing.Token);
                try
                {
                    video = await VideoProbe.ProbeAsync(source, probing.Token);
                    outputPixelFormat = encoderOptions.PixelFormat
                        ?? OutputPixelFormat.Supported(OutputPixelFormat.ForSource(video.PixelFormat, video.BitDepth), await supported);
                }
                catch
                {
                    // Stop the encoder query too, and wait for it, so no ffmpeg process outlives the command.
                    await probing.CancelAsync();
                    await supported.ContinueWith(task => _ = task.Exception, TaskScheduler.Default);
                    await DisposeWhenLoadedAsync(loading);
                    throw;
                }
            }

            int framesPerBatch = result.GetValue(batch);
            var (outWidth, outHeight) = upscaleOptions.OutputSize(video.UprightWidth, video.UprightHeight);
            if (!asJson)
            {
                System.Console.Error.WriteLine(
                    $"{source}: {video.UprightWidth}x{video.UprightHeight} {video.PixelFormat} {video.Color.Matrix}/{video.Color.SwscaleRange}, {video.FrameCount} frames " +
                    $"-> {destination}: {outWidth}x{outHeight} {encoderOptions.Codec} {outputPixelFormat}");
            }

            PipelineResult run;
            try
            {
                // Decoding and the encoder's start-up go ahead while the model may still be loading.
                run = await ProgressSink.RunAsync("upscaling", video.FrameCount, asJson, sink =>
                    RunPipelineAsync(video, loading, framesPerBatch, destination, encoderOptions, outputPixelFormat, replace, sink, clock, cancellationToken));
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                throw new OperationCanceledException("Cancelled.", ex, cancellationToken);
            }
            finally
            {
                await DisposeWhenLoadedAsync(loading);
            }
            string deviceDescription = (await loading).Device;

            var report = new UpscaleReport(source, destination, video.UprightWidth, video.UprightHeight, outWidth, outHeight, run.Frames,
                clock.Elapsed.TotalSeconds, run.ModelSeconds, run.Frames / Math.Max(clock.Elapsed.TotalSeconds, 1e-9),
                new FileInfo(destination).Length, encoderOptions.Codec, outputPixelFormat, deviceDescription,
                run.Copied.Select(Describe).ToList(), run.Dropped.Select(Describe).ToList());
            if (asJson)
            {
                System.Console.WriteLine(JsonSerializer.Serialize(report, ModelJson.Options));
            }
            else
            {
                foreach (var dropped in run.Dropped)
                {
                    System.Console.Error.WriteLine($"warning: stream {Describe(dropped)} cannot be copied into {Path.GetExtension(destination)}; use .mkv to keep it.");
                }
                System.Console.WriteLine(
                    $"{destination}: {report.Frames} frames, {report.OutputWidth}x{report.OutputHeight}, {report.WallSeconds:F1} s ({report.FramesPerSecond:F2} fps, model {report.ModelSeconds:F1} s), " +
                    $"{report.OutputBytes / 1048576.0:F1} MiB");
            }
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private sealed record LoadedUpscaler(ImageUpscaler Upscaler, string Device);

    private sealed record PipelineResult(long Frames, double ModelSeconds, IReadOnlyList<StreamSummary> Copied, IReadOnlyList<StreamSummary> Dropped);

    private sealed record UpscaleReport(string Input, string Output, int Width, int Height, int OutputWidth, int OutputHeight, long Frames,
        double WallSeconds, double ModelSeconds, double FramesPerSecond, long OutputBytes, string Codec, string PixelFormat, string Device,
        IReadOnlyList<string> CopiedStreams, IReadOnlyList<string> DroppedStreams);

    private static async Task<PipelineResult> RunPipelineAsync(VideoInfo video, Task<LoadedUpscaler> loading, int framesPerBatch, string destination,
        EncoderOptions encoderOptions, string pixelFormat, bool overwrite, ProgressSink sink, Stopwatch clock, CancellationToken cancellationToken)
    {
        var decoded = Channel.CreateBounded<Frame>(new BoundedChannelOptions(framesPerBatch * 2) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var upscaled = Channel.CreateBounded<Frame>(new BoundedChannelOptions(framesPerBatch * 2) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        long encoded = 0;
        FrameUpscaleStage? stage = null;
        var decoder = new FrameDecoder(video);
        var encoder = new FrameEncoder(video, destination, encoderOptions, pixelFormat, done =>
        {
            Interlocked.Exchange(ref encoded, done);
            sink.Update(done, ProgressLine(done, video.FrameCount, clock.Elapsed));
        });
        await PipelineRunner.RunAsync(
        [
            token => decoder.RunAsync(decoded.Writer, token),
            async token =>
            {
                LoadedUpscaler loaded;
                try
                {
                    loaded = await loading.WaitAsync(token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Fail the encoder's input rather than ending it: an ended input would let the
                    // encoder finish an empty file under the final name before cancellation reached it.
                    upscaled.Writer.TryComplete(ex);
                    throw;
                }
                sink.Note($"model {ModelFile.Describe(loaded.Upscaler.Header)} on {loaded.Device}, tile {loaded.Upscaler.TileSize}, {framesPerBatch} frames per batch");
                stage = new FrameUpscaleStage(loaded.Upscaler, framesPerBatch);
                await stage.RunAsync(decoded.Reader, upscaled.Writer, token).ConfigureAwait(false);
            },
            token => encoder.RunAsync(upscaled.Reader, overwrite, token),
        ], cancellationToken);
        return new PipelineResult(Interlocked.Read(ref encoded), stage?.ModelTime.TotalSeconds ?? 0, encoder.CopiedStreamList, encoder.DroppedStreams);
    }

    private static async Task DisposeWhenLoadedAsync(Task<LoadedUpscaler> loading)
    {
        try
        {
            (await loading).Upscaler.Dispose();
        }
        catch (Exception ex) when (CommandErrors.IsUserFacing(ex) || ex is OperationCanceledException)
        {
        }
    }

    private static string ProgressLine(long done, int total, TimeSpan elapsed)
    {
        double fps = done / Math.Max(elapsed.TotalSeconds, 1e-9);
        string eta = fps > 0 && total > done ? TimeSpan.FromSeconds((total - done) / fps).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        return $"frame {done}/{total}, {fps:F2} fps, ETA {eta}";
    }

    private static string Describe(StreamSummary stream) => $"#{stream.Index} {stream.Kind} ({stream.CodecName})";

    /// <summary>Fails before any work when the paths are wrong: the input is never overwritten, an output only with --overwrite.</summary>
    private static void CheckPaths(string source, string destination, bool overwrite)
    {
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"No such file: {source}", source);
        }
        if (string.Equals(Path.GetFullPath(source), Path.GetFullPath(destination), StringComparison.Ordinal))
        {
            throw new ArgumentException($"The output {destination} is the input itself; choose another name.");
        }
        if (File.Exists(destination) && !overwrite)
        {
            throw new IOException($"{destination} exists; pass --overwrite to replace it.");
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(destination));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The output folder {folder} does not exist.");
        }
    }
}
