using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin.Video.Segments;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin.Video;

/// <summary>
/// A video job done segment by segment: each segment is decoded from its first frame, upscaled
/// and encoded as its own chunk (a fresh encoder, so a closed group of pictures) in the work
/// folder; chunks already finished (an earlier run, another shard) are skipped; once every chunk
/// is there they are joined without re-encoding, with the source's other streams, into the output.
/// </summary>
internal static class SegmentedVideoJob
{
    /// <param name="FramesInOutput">The frames of every chunk joined; fewer than the source's when a damaged source gave fewer.</param>
    public sealed record Outcome(long Frames, double ModelSeconds, SegmentSummary Summary, long FramesInOutput);

    public static async Task<Outcome> RunAsync(VideoUpscaleRequest request, VideoInfo video, SegmentPlan plan, LoadedUpscaler loaded, VideoFramePath path,
        string pixelFormat, FrameEncoder encoder, IProgress<VideoProgress>? progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        var settings = new JobSettings
        {
            InputName = Path.GetFileName(video.Path),
            InputBytes = new FileInfo(video.Path).Length,
            InputModifiedUtc = File.GetLastWriteTimeUtc(video.Path),
            InputProbe = JobSettings.DescribeProbe(video),
            Model = loaded.Upscaler.Header.Name,
            ModelSha256 = loaded.Upscaler.Header.PayloadSha256,
            Scale = request.Model.Upscale.Scale,
            Backend = request.Model.Upscale.Backend.Name(),
            Precision = request.Model.Upscale.Precision.Name(),
            Tta = request.Model.Upscale.SelfEnsemble,
            Codec = request.Encoder.Codec,
            Crf = request.Encoder.Crf,
            Preset = request.Encoder.Preset,
            PixelFormat = pixelFormat,
            Frames = path.Description,
            FramesPerSegment = plan.FramesPerSegment,
        };
        var work = WorkFolder.Beside(request.Output);
        var restartedBecause = work.Open(settings, plan);
        if (restartedBecause is not null)
        {
            Note(progress, clock, VideoNoteKind.Warning,
                $"{work.FolderPath} was made with other settings ({string.Join(", ", restartedBecause)}); starting again");
        }

        var mine = request.JoinOnly ? [] : request.Shard?.Select(plan.Segments) ?? plan.Segments;
        var finished = new Dictionary<int, ChunkRecord>();
        foreach (var segment in plan.Segments)
        {
            if (work.Finished(segment) is { } record)
            {
                finished[segment.Index] = record;
            }
        }
        var toDo = mine.Where(segment => !finished.ContainsKey(segment.Index)).ToList();
        int skipped = mine.Count - toDo.Count;
        int framesToDo = (int)toDo.Sum(segment => segment.FrameCount);
        string shardText = request.Shard is { } shard ? $"shard {shard} of the job: " : "";
        Note(progress, clock, VideoNoteKind.Plan,
            $"{shardText}{plan.Segments.Count} segments of {plan.FramesPerSegment} frames in {work.FolderPath}; " +
            $"{mine.Count} for this run, {skipped} already done, {toDo.Count} to do");

        int encoded = 0;
        long framesDone = 0;
        double modelSeconds = 0;
        SegmentProgress Segments() => new(encoded, skipped, mine.Count, plan.Segments.Count);
        progress?.Report(new VideoProgress(0, framesToDo, clock.Elapsed) { Segments = Segments() });
        if (toDo.Count > 0)
        {
            foreach (var note in VideoUpscaler.ModelNotes(loaded, path, request.FramesPerBatch))
            {
                Note(progress, clock, note.Kind, note.Text);
            }
        }
        try
        {
            foreach (var segment in toDo)
            {
                long before = framesDone;
                var chunkEncoder = new FrameEncoder(video, request.Output, request.Encoder, pixelFormat, request.Ffmpeg, done =>
                    progress?.Report(new VideoProgress(before + done, framesToDo, clock.Elapsed) { Segments = Segments() }), path.Frames);
                // Each segment from its first frame, into a chunk of its own (a fresh encoder, so a closed group of pictures).
                var (seconds, decodedFrames) = await path.RunAsync(video, request.Ffmpeg, loaded.Upscaler, request.FramesPerBatch, request.Strict,
                    new EncodeTarget.Chunk(chunkEncoder, work.ChunkPath(segment), segment.NextFrame), segment.FirstFrame, segment.FrameCount, cancellationToken).ConfigureAwait(false);
                modelSeconds += seconds;
                var (timeBase, startPts, startMicroseconds) = await ProbeStartAsync(work.ChunkPath(segment), request.Ffmpeg, cancellationToken).ConfigureAwait(false);
                long firstTimestamp = ChunkTimeline.Convert(encoder.TimestampOf(segment.FirstFrame), video.TimeBase, timeBase)
                    ?? throw new FfmpegException($"The chunk {work.ChunkPath(segment)} has the time base {timeBase}, which cannot hold the source's times ({video.TimeBase}) exactly.");
                finished[segment.Index] = work.Record(segment, timeBase.ToString(), firstTimestamp, startPts, startMicroseconds, decodedFrames);
                framesDone += decodedFrames;
                encoded++;
                progress?.Report(new VideoProgress(framesDone, framesToDo, clock.Elapsed) { Segments = Segments() });
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            // What was finished stays: the message says so, and that the same command resumes.
            throw new SegmentsKeptException(work.FolderPath, finished.Count, plan.Segments.Count, ex, cancellationToken);
        }

        bool joined = false;
        long framesInOutput = 0;
        // Other shards may have finished chunks while this run worked.
        foreach (var segment in plan.Segments.Where(segment => !finished.ContainsKey(segment.Index)))
        {
            if (work.Finished(segment) is { } record)
            {
                finished[segment.Index] = record;
            }
        }
        var missing = plan.Segments.Where(segment => !finished.ContainsKey(segment.Index)).ToList();
        if (missing.Count > 0 && request.JoinOnly)
        {
            throw new InvalidOperationException(
                $"{missing.Count} of {plan.Segments.Count} segments are not finished in {work.FolderPath} (the first: frames {missing[0].FirstFrame}-{missing[0].NextFrame - 1}); run the missing shards first.");
        }
        if (missing.Count == 0)
        {
            if (!work.TryClaimJoin())
            {
                Note(progress, clock, VideoNoteKind.Warning, $"another run is joining {work.FolderPath}; leaving the join to it");
            }
            else
            {
                // Checked again: a shard elsewhere may have been restarted with other settings meanwhile.
                var chunks = plan.Segments.Select(segment => work.Finished(segment)
                    ?? throw new InvalidOperationException($"The chunk of segment {segment.Index} in {work.FolderPath} changed while joining; run again.")).ToList();
                var (list, correction) = ChunkTimeline.Build(chunks.Select(chunk => (Path.GetFileName(work.ChunkPath(plan.Segments[chunk.Index])), chunk)).ToList());
                framesInOutput = chunks.Sum(chunk => chunk.FramesHeld);
                try
                {
                    await encoder.JoinAsync(work.WriteJoinList(list), correction, framesInOutput, request.Overwrite, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopped while joining: every chunk is kept, so the same command only joins.
                    throw new SegmentsKeptException(work.FolderPath, plan.Segments.Count, plan.Segments.Count, ex, cancellationToken);
                }
                work.Delete();
                joined = true;
            }
        }
        return new Outcome(framesDone, modelSeconds,
            new SegmentSummary(plan.Segments.Count, encoded, skipped, request.Shard?.ToString(), joined, work.FolderPath, restartedBecause), framesInOutput);
    }

    private static void Note(IProgress<VideoProgress>? progress, Stopwatch clock, VideoNoteKind kind, string text) =>
        progress?.Report(new VideoProgress(0, 0, clock.Elapsed, new VideoNote(kind, text)));

    /// <summary>A chunk's time base, and where its timestamps start, as stored (ticks) and as a demuxer reports it (microseconds).</summary>
    private static async Task<(Rational TimeBase, long StartPts, long StartMicroseconds)> ProbeStartAsync(string chunk, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        string text = await FfmpegProcess.RunForTextAsync(ffmpeg.Ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base,start_pts:format=start_time", "-of", "default=noprint_wrappers=1", FfmpegPaths.File(chunk)],
            $"Reading {chunk}", cancellationToken).ConfigureAwait(false);
        var values = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        if (!values.TryGetValue("time_base", out string? chunkBase) || Rational.Parse(chunkBase) is not { IsValid: true } timeBase
            || !values.TryGetValue("start_pts", out string? pts) || !long.TryParse(pts, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long startPts)
            || !values.TryGetValue("start_time", out string? seconds) || !decimal.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal startSeconds))
        {
            throw new FfmpegException($"The chunk {chunk} has no time base or start time, so it cannot be placed in the join (ffprobe said: {text.Trim().ReplaceLineEndings(", ")}).");
        }
        return (timeBase, startPts, (long)decimal.Round(startSeconds * 1_000_000m));
    }
}
