using System.Diagnostics;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Plugin.Images;

/// <summary>One input image and where its upscaled copy goes.</summary>
public sealed record ImageJob(string Source, string Destination);

/// <summary>What happened to one <see cref="ImageJob"/>; <see cref="Error"/> is set when it failed.</summary>
public sealed record ImageReport(string Input, string Output, int Width, int Height, int OutputWidth, int OutputHeight, int BitDepth, double Seconds, string? Error)
{
    /// <summary>The failure itself, for a shell that words some failures its own way.</summary>
    [JsonIgnore]
    public Exception? Cause { get; init; }
}

/// <summary>
/// The engine's image job: upscales a list of images with reading, the model and writing
/// overlapped (the next image is decoded and the previous one encoded while the network runs on
/// its own thread), over small bounded channels. A bad image fails alone; the others go on.
/// Reports come back in job order. The CLI's <c>image</c> is a thin shell over it.
/// </summary>
public sealed class ImageBatchUpscaler
{
    private const int Lookahead = 2;

    private readonly Task<ImageUpscaler> _upscaler;
    private readonly bool _overwrite;
    private readonly FfmpegLocation _ffmpeg;

    /// <param name="ffmpeg">Reads and writes the formats not handled in process; null for ffmpeg on PATH.</param>
    public ImageBatchUpscaler(ImageUpscaler upscaler, bool overwrite, FfmpegLocation? ffmpeg = null)
        : this(Task.FromResult(upscaler), overwrite, ffmpeg)
    {
    }

    /// <summary>
    /// A job whose upscaler is still loading: the first images are decoded while the model loads,
    /// which is most of the wait for a handful of small photos. The network stage waits for
    /// <paramref name="loading"/>; a failed load fails the run with the load's exception. The
    /// caller keeps owning the upscaler.
    /// </summary>
    /// <param name="ffmpeg">Reads and writes the formats not handled in process; null for ffmpeg on PATH.</param>
    public ImageBatchUpscaler(Task<ImageUpscaler> loading, bool overwrite, FfmpegLocation? ffmpeg = null)
    {
        _upscaler = loading;
        _overwrite = overwrite;
        _ffmpeg = ffmpeg ?? FfmpegLocation.OnPath;
    }

    /// <summary>Larger pictures fail alone, before they are decoded (see <see cref="ImageFileReader.DefaultMaxPixels"/>).</summary>
    public long MaxInputPixels { get; init; } = ImageFileReader.DefaultMaxPixels;

    private sealed record Item(ImageJob Job, Stopwatch Clock, Frame? Input, Frame? Output, ImageReport? Failure) : IDisposable
    {
        public void Dispose()
        {
            Input?.Dispose();
            Output?.Dispose();
        }
    }

    /// <param name="progress">Each image's report as it is written, in job order.</param>
    public async Task<IReadOnlyList<ImageReport>> RunAsync(IReadOnlyList<ImageJob> jobs, IProgress<ImageReport>? progress, CancellationToken cancellationToken)
    {
        var decoded = Channel.CreateBounded<Item>(Lookahead);
        var upscaled = Channel.CreateBounded<Item>(Lookahead);
        var reports = new List<ImageReport>(jobs.Count);
        using var stages = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationToken token = stages.Token;

        Task reading = Task.Run(() => ReadAllAsync(jobs, decoded.Writer, token), token);
        // The network runs on one dedicated thread: torch dispose scopes belong to a thread.
        Task inferring = Task.Factory.StartNew(() => InferAll(decoded.Reader, upscaled.Writer, token),
            token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (var item in upscaled.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                using (item)
                {
                    var report = item.Failure ?? await WriteAsync(item, token).ConfigureAwait(false);
                    reports.Add(report);
                    progress?.Report(report);
                }
            }
            await Task.WhenAll(reading, inferring).ConfigureAwait(false);
            return reports;
        }
        catch
        {
            // Stop the other stages and wait for them, so that the caller never disposes the
            // upscaler while the network is still running on it, and free the frames in flight.
            await stages.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(reading, inferring).ContinueWith(task => _ = task.Exception, TaskScheduler.Default).ConfigureAwait(false);
            decoded.Reader.DisposeQueued();
            upscaled.Reader.DisposeQueued();
            throw;
        }
    }

    private async Task ReadAllAsync(IReadOnlyList<ImageJob> jobs, ChannelWriter<Item> output, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var job in jobs)
            {
                var clock = Stopwatch.StartNew();
                Item item;
                try
                {
                    item = new Item(job, clock, await ImageFileReader.ReadAsync(job.Source, _ffmpeg, MaxInputPixels, cancellationToken).ConfigureAwait(false), null, null);
                }
                catch (Exception ex) when (IsPerImage(ex))
                {
                    item = new Item(job, clock, null, null, Failed(job, clock, ex));
                }
                await output.HandOnAsync(item, cancellationToken).ConfigureAwait(false);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
        }
    }

    private void InferAll(ChannelReader<Item> input, ChannelWriter<Item> output, CancellationToken cancellationToken)
    {
        try
        {
            var upscaler = _upscaler.WaitAsync(cancellationToken).GetAwaiter().GetResult();
            while (input.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (input.TryRead(out var item))
                {
                    var next = item.Input is null ? item : Infer(upscaler, item);
                    if (!output.TryWrite(next))
                    {
                        output.HandOn(next, cancellationToken);
                    }
                }
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
        }
    }

    private static Item Infer(ImageUpscaler upscaler, Item item)
    {
        try
        {
            var frame = item.Input!;
            var result = upscaler.UpscaleFrame(frame);
            return item with { Output = result };
        }
        catch (Exception ex) when (IsPerImage(ex))
        {
            return item with { Failure = Failed(item.Job, item.Clock, ex) };
        }
    }

    private async Task<ImageReport> WriteAsync(Item item, CancellationToken cancellationToken)
    {
        var (input, output) = (item.Input!, item.Output!);
        try
        {
            await ImageFileWriter.WriteAsync(output, item.Job.Destination, _overwrite, _ffmpeg, cancellationToken).ConfigureAwait(false);
            return new ImageReport(item.Job.Source, item.Job.Destination, input.Width, input.Height, output.Width, output.Height,
                input.Format.BitDepth(), item.Clock.Elapsed.TotalSeconds, null);
        }
        catch (Exception ex) when (IsPerImage(ex))
        {
            return Failed(item.Job, item.Clock, ex);
        }
    }

    private static ImageReport Failed(ImageJob job, Stopwatch clock, Exception ex) =>
        new(job.Source, job.Destination, 0, 0, 0, 0, 0, clock.Elapsed.TotalSeconds, ex.Message) { Cause = ex };

    /// <summary>Failures that belong to one image (unreadable, unwritable, too large); anything else stops the batch.</summary>
    private static bool IsPerImage(Exception ex) => ex is FfmpegException or InvalidDataException or IOException
        or UnauthorizedAccessException or ArgumentException;
}
