using System.Diagnostics;
using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Options;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin.Video.Segments;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin.Video;

/// <summary>One video job.</summary>
public sealed record VideoUpscaleRequest
{
    public required string Input { get; init; }

    public required string Output { get; init; }

    public required ModelChoice Model { get; init; }

    public EncoderOptions Encoder { get; init; } = new();

    /// <summary>Frames per model pass.</summary>
    public int FramesPerBatch { get; init; } = 4;

    /// <summary>Replace an existing output file.</summary>
    public bool Overwrite { get; init; }

    /// <summary>The ffmpeg and ffprobe that read, decode and encode the video.</summary>
    public FfmpegLocation Ffmpeg { get; init; } = FfmpegLocation.OnPath;

    /// <summary>
    /// Length of a segment: a video of two segments or more is done segment by segment, each kept
    /// as a chunk in a work folder beside the output, so a run stopped at any point resumes where it was.
    /// </summary>
    public double SegmentSeconds { get; init; } = DefaultSegmentSeconds;

    public const double DefaultSegmentSeconds = 5;

    /// <summary>Do only this share of the segments; the run that finds every chunk done joins them.</summary>
    public ShardChoice? Shard { get; init; }

    /// <summary>Only join the chunks that shards made; fail if any is missing.</summary>
    public bool JoinOnly { get; init; }

    /// <summary>
    /// Fail, leaving no output, when the video gives fewer frames than it holds (a truncated or
    /// damaged file); otherwise the shorter video is written and a warning says how many are missing.
    /// </summary>
    public bool Strict { get; init; }
}

/// <summary>Where a segmented job stands: segments encoded by this run, found finished, and in all.</summary>
public sealed record SegmentProgress(int Encoded, int Skipped, int ThisRun, int Total);

/// <summary>What a one-off message in <see cref="VideoProgress"/> is about, so a shell can decide what to show.</summary>
public enum VideoNoteKind
{
    /// <summary>The input as probed and the output it will become.</summary>
    Plan,

    /// <summary>The model is loaded: which, on what device, with which tiles and batches.</summary>
    ModelReady,

    /// <summary>Something the user should know even when asking for machine output.</summary>
    Warning,
}

/// <summary>A one-off message of a video job.</summary>
public sealed record VideoNote(VideoNoteKind Kind, string Text);

/// <summary>Where a video job stands. <see cref="Note"/> carries one-off messages (the plan, the model chosen, a warning).</summary>
public sealed record VideoProgress(long FramesDone, int FramesTotal, TimeSpan Elapsed, VideoNote? Note = null)
{
    /// <summary>For a job done in segments; null otherwise.</summary>
    public SegmentProgress? Segments { get; init; }

    public double FramesPerSecond => FramesDone / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>What a finished video job did.</summary>
public sealed record VideoUpscaleResult(
    VideoInfo Source, int OutputWidth, int OutputHeight, long Frames, double WallSeconds, double ModelSeconds, long OutputBytes,
    string Codec, string PixelFormat, string Device, IReadOnlyList<StreamSummary> CopiedStreams, IReadOnlyList<StreamSummary> DroppedStreams,
    IReadOnlyDictionary<int, string> ConvertedStreams)
{
    /// <summary>For a job done in segments; null otherwise.</summary>
    public SegmentSummary? Segments { get; init; }
}

/// <summary>
/// What a segmented job did: segments encoded now and found finished from an earlier run or
/// another shard, whether the output was joined (a shard leaves that to the run that finds every chunk done).
/// </summary>
public sealed record SegmentSummary(int Total, int Encoded, int Skipped, string? Shard, bool Joined, string WorkFolder, IReadOnlyList<string>? RestartedBecause);

/// <summary>
/// The engine's video job: probe, decode, upscale on one owned thread, encode with every other
/// stream kept, through bounded channels joined by <see cref="PipelineRunner"/>. The CLI's
/// <c>upscale</c> is a thin shell over it; so can any host be.
/// </summary>
public static class VideoUpscaler
{
    /// <exception cref="FileNotFoundException">The input does not exist.</exception>
    /// <exception cref="IOException">The output exists and <see cref="VideoUpscaleRequest.Overwrite"/> is off.</exception>
    public static async Task<VideoUpscaleResult> RunAsync(VideoUpscaleRequest request, IProgress<VideoProgress>? progress, CancellationToken cancellationToken)
    {
        OutputPaths.Check(request.Input, request.Output, request.Overwrite);
        // Shards share their output on purpose; two plain runs to one output would write over each other.
        using var outputLock = request.Shard is null && !request.JoinOnly ? OutputLock.Take(request.Output) : null;
        var clock = Stopwatch.StartNew();
        // Start-up is paid once per file, so its three slow parts run side by side: the model
        // loads while ffprobe reads the input and ffmpeg lists the encoder's pixel formats.
        var loading = Task.Run(() => UpscalerFactory.Create(request.Model), cancellationToken);
        VideoInfo video;
        string outputPixelFormat;
        using (var probing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var supported = EncoderCapabilities.PixelFormatsAsync(request.Encoder.Codec, request.Ffmpeg, probing.Token);
            var container = EncoderCapabilities.CheckContainerAsync(request.Output, request.Ffmpeg, probing.Token);
            try
            {
                await container.ConfigureAwait(false);
                video = await VideoProbe.ProbeAsync(request.Input, request.Ffmpeg, probing.Token).ConfigureAwait(false);
                await VideoProbe.CheckOneSizeAsync(video, request.Ffmpeg, probing.Token).ConfigureAwait(false);
                if (request.Strict && video.ExpectedFrameCount > video.FrameCount)
                {
                    throw new MissingFramesException(video.Path, video.FrameCount, video.ExpectedFrameCount);
                }
                outputPixelFormat = request.Encoder.PixelFormat
                    ?? OutputPixelFormat.Supported(OutputPixelFormat.ForSource(video.PixelFormat, video.BitDepth), await supported.ConfigureAwait(false));
            }
            catch
            {
                // Stop the encoder query too, and wait for it, so no ffmpeg process outlives the job.
                await probing.CancelAsync().ConfigureAwait(false);
                await supported.ContinueWith(task => _ = task.Exception, TaskScheduler.Default).ConfigureAwait(false);
                await container.ContinueWith(task => _ = task.Exception, TaskScheduler.Default).ConfigureAwait(false);
                await LoadedUpscaler.DisposeWhenLoadedAsync(loading).ConfigureAwait(false);
                throw;
            }
        }

        var (outWidth, outHeight) = request.Model.Upscale.OutputSize(video.UprightWidth, video.UprightHeight);
        progress?.Report(new VideoProgress(0, video.FrameCount, clock.Elapsed, new VideoNote(VideoNoteKind.Plan,
            $"{request.Input}: {video.UprightWidth}x{video.UprightHeight} {video.PixelFormat} {video.Color.Matrix}/{video.Color.SwscaleRange}, {video.FrameCount} frames " +
            $"-> {request.Output}: {outWidth}x{outHeight} {request.Encoder.Codec} {outputPixelFormat}")));
        if (HasAlpha(video.PixelFormat))
        {
            progress?.Report(new VideoProgress(0, video.FrameCount, clock.Elapsed, new VideoNote(VideoNoteKind.Warning,
                $"{request.Input} has an alpha channel ({video.PixelFormat}); the output is opaque: the model upscales the colour only")));
        }
        if (video.Interlaced)
        {
            progress?.Report(new VideoProgress(0, video.FrameCount, clock.Elapsed, new VideoNote(VideoNoteKind.Warning,
                $"{request.Input} is interlaced ({video.FieldOrder}); deinterlacing it (bwdif, one frame per frame) before upscaling")));
        }
        var plan = SegmentPlan.For(video, request.SegmentSeconds);
        bool sharded = request.Shard is not null || request.JoinOnly;
        try
        {
            if (sharded && request.Encoder.ExtraArguments.Count > 0)
            {
                // Extra arguments may change anything, the frame count included, so chunks made with them could not be joined safely.
                throw new InvalidOptionException(InvalidOptionException.NameOf<EncoderOptions>(nameof(EncoderOptions.ExtraArguments)), "cannot be combined with shards or a join");
            }
            // The model decides which frames the decoder makes (planes for a Y model), so decoding waits for it.
            var loaded = await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
            var path = VideoFramePath.Choose(video, loaded.Upscaler.Header);
            if (sharded || (plan.Segments.Count >= 2 && request.Encoder.ExtraArguments.Count == 0))
            {
                var encoder = new FrameEncoder(video, request.Output, request.Encoder, outputPixelFormat, request.Ffmpeg, frames: path.Frames);
                var job = await SegmentedVideoJob.RunAsync(request, video, plan, loaded, path, outputPixelFormat, encoder, progress, clock, cancellationToken).ConfigureAwait(false);
                if (job.Summary.Joined)
                {
                    WarnOfMissingFrames(video, job.FramesInOutput, progress, clock);
                }
                return new VideoUpscaleResult(video, outWidth, outHeight, job.Frames, clock.Elapsed.TotalSeconds, job.ModelSeconds,
                    job.Summary.Joined ? new FileInfo(request.Output).Length : 0, request.Encoder.Codec, outputPixelFormat, loaded.Device,
                    encoder.CopiedStreamList, encoder.DroppedStreams, encoder.ConvertedStreams) { Segments = job.Summary };
            }
            var run = await RunPipelineAsync(request, video, loaded, path, outputPixelFormat, progress, clock, cancellationToken).ConfigureAwait(false);
            WarnOfMissingFrames(video, run.Frames, progress, clock);
            return new VideoUpscaleResult(video, outWidth, outHeight, run.Frames, clock.Elapsed.TotalSeconds, run.ModelSeconds,
                new FileInfo(request.Output).Length, request.Encoder.Codec, outputPixelFormat, loaded.Device, run.Copied, run.Dropped, run.Converted);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            throw new OperationCanceledException("Cancelled.", ex, cancellationToken);
        }
        finally
        {
            await LoadedUpscaler.DisposeWhenLoadedAsync(loading).ConfigureAwait(false);
        }
    }

    /// <summary>ffmpeg's pixel formats with transparency: yuva*, gbrap*, ya*, and the packed RGBA orders.</summary>
    private static bool HasAlpha(string pixelFormat) =>
        pixelFormat.StartsWith("yuva", StringComparison.Ordinal) || pixelFormat.StartsWith("gbrap", StringComparison.Ordinal)
        || pixelFormat.StartsWith("ya", StringComparison.Ordinal) || pixelFormat is "rgba" or "bgra" or "argb" or "abgr" or "rgba64le" or "rgba64be" or "bgra64le" or "bgra64be";

    /// <summary>Says when the video gave fewer frames than it holds: the output is as much shorter.</summary>
    private static void WarnOfMissingFrames(VideoInfo video, long decoded, IProgress<VideoProgress>? progress, Stopwatch clock)
    {
        if (decoded < video.ExpectedFrameCount)
        {
            progress?.Report(new VideoProgress(decoded, video.FrameCount, clock.Elapsed, new VideoNote(VideoNoteKind.Warning,
                $"{MissingFramesException.Describe(video.Path, decoded, video.ExpectedFrameCount)} The output is shorter by the missing frames.")));
        }
    }

    private sealed record PipelineResult(long Frames, double ModelSeconds, IReadOnlyList<StreamSummary> Copied, IReadOnlyList<StreamSummary> Dropped,
        IReadOnlyDictionary<int, string> Converted);

    private static async Task<PipelineResult> RunPipelineAsync(VideoUpscaleRequest request, VideoInfo video, LoadedUpscaler loaded, VideoFramePath path,
        string pixelFormat, IProgress<VideoProgress>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        long encoded = 0;
        var encoder = new FrameEncoder(video, request.Output, request.Encoder, pixelFormat, request.Ffmpeg, done =>
        {
            Interlocked.Exchange(ref encoded, done);
            progress?.Report(new VideoProgress(done, video.FrameCount, clock.Elapsed));
        }, path.Frames);
        foreach (var note in ModelNotes(loaded, path, request.FramesPerBatch))
        {
            progress?.Report(new VideoProgress(0, video.FrameCount, clock.Elapsed, note));
        }
        var (modelSeconds, _) = await path.RunAsync(video, request.Ffmpeg, loaded.Upscaler, request.FramesPerBatch, request.Strict,
            new EncodeTarget.OutputFile(encoder, request.Overwrite), 0, null, cancellationToken).ConfigureAwait(false);
        return new PipelineResult(Interlocked.Read(ref encoded), modelSeconds, encoder.CopiedStreamList, encoder.DroppedStreams, encoder.ConvertedStreams);
    }

    /// <summary>
    /// What a job says once the model is ready: numerics warnings where they apply (slower kernels
    /// than the user would expect), then the model, device, how it runs, tiles, batches and frames.
    /// </summary>
    internal static IEnumerable<VideoNote> ModelNotes(LoadedUpscaler loaded, VideoFramePath path, int framesPerBatch)
    {
        foreach (string warning in loaded.Upscaler.Warnings)
        {
            yield return new VideoNote(VideoNoteKind.Warning, warning);
        }
        yield return new VideoNote(VideoNoteKind.ModelReady,
            $"model {ModelFile.Describe(loaded.Upscaler.Header)} on {loaded.Device} ({loaded.Upscaler.RunDescription}), tile {loaded.Upscaler.TileSize}, {framesPerBatch} frames per batch, {path.Description}");
    }
}
