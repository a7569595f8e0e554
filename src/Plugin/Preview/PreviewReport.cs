using System.Diagnostics;
using System.Threading.Channels;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Options;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin.Preview;

/// <summary>
/// The engine's preview report: frames sampled evenly across a video, each upscaled by the model
/// and by bicubic, written into one self-contained HTML page (<see cref="PreviewReportPage"/>)
/// with the model's measured time per frame and the encoded size of the sampled frames, scaled to
/// the whole video. Decoding, the model (on one owned thread) and the size-measuring encoder
/// overlap through bounded channels.
/// </summary>
public static class PreviewReport
{
    /// <summary>A zoomed crop is enlarged until it is at least this wide, so single pixels are visible.</summary>
    private const int ZoomedCropMinWidth = 384;

    /// <param name="progress">Each sampled frame as the model finishes it.</param>
    /// <param name="modelWarnings">
    /// Once, as soon as the model is loaded: what to tell the user about how it runs
    /// (<see cref="ImageUpscaler.Warnings"/>, maybe none), so it is said even if the report then fails.
    /// </param>
    /// <exception cref="InvalidOptionException">The sample count is outside 1 to <see cref="PreviewReportRequest.MaxSamples"/>.</exception>
    public static async Task<PreviewReportResult> RunAsync(PreviewReportRequest request, IProgress<ReportSample>? progress, IProgress<IReadOnlyList<string>>? modelWarnings, CancellationToken cancellationToken)
    {
        if (request.Samples is < 1 or > PreviewReportRequest.MaxSamples)
        {
            throw new InvalidOptionException(InvalidOptionException.NameOf<PreviewReportRequest>(nameof(PreviewReportRequest.Samples)),
                $"takes 1 to {PreviewReportRequest.MaxSamples}, not {request.Samples}");
        }
        OutputPaths.Check(request.Input, request.Output, request.Overwrite);
        var video = await VideoProbe.ProbeAsync(request.Input, request.Ffmpeg, cancellationToken).ConfigureAwait(false);
        string pixelFormat = request.Encoder.PixelFormat
            ?? OutputPixelFormat.Supported(OutputPixelFormat.ForSource(video.PixelFormat, video.BitDepth),
                await EncoderCapabilities.PixelFormatsAsync(request.Encoder.Codec, request.Ffmpeg, cancellationToken).ConfigureAwait(false));
        var indices = FrameSampling.Evenly(video.FrameCount, request.Samples);

        var loaded = UpscalerFactory.Create(request.Model);
        using var upscaler = loaded.Upscaler;
        modelWarnings?.Report(upscaler.Warnings);
        var decoded = Channel.CreateBounded<Frame>(1);
        var toEncode = Channel.CreateBounded<Frame>(1);
        var figures = new List<ReportFigure>();
        var sizes = Task.FromResult<IReadOnlyList<long>>([]);
        // Named like the report's own temporary file, so what a killed run leaves is found and removed the same way.
        string scratchFor = Path.ChangeExtension(request.Output, ".mkv");
        PartialFile.RemoveAbandoned(scratchFor);
        string scratch = PartialFile.Beside(scratchFor);
        var encoder = new SampleEncoder(video, request.Encoder, pixelFormat, request.Ffmpeg, scratch);
        try
        {
            await PipelineRunner.RunAsync(
            [
                token => DecodeAsync(video, request, indices, decoded.Writer, token),
                // The network runs on one dedicated thread: torch dispose scopes belong to a thread.
                token => Task.Factory.StartNew(() => CompareAll(video, upscaler, decoded.Reader, toEncode.Writer, figure =>
                {
                    figures.Add(figure);
                    progress?.Report(figure.Sample);
                }, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default),
                token => sizes = encoder.RunAsync(toEncode.Reader, token),
            ], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            decoded.Reader.DisposeQueued();
            toEncode.Reader.DisposeQueued();
        }

        var samples = figures.Select(f => f.Sample).ToList();
        var estimate = new RunEstimate(video.FrameCount, video.DurationSeconds ?? video.FrameSpanSeconds,
            samples.Select(s => s.ModelSeconds).ToList(), (await sizes.ConfigureAwait(false)).Sum());
        var page = new PreviewReportPage(new ReportFacts(Path.GetFileName(request.Input), video, ModelFile.Describe(upscaler.Header), request.Model.Upscale.Backend.Name(), loaded.Device,
            upscaler.OutputSize(video.UprightWidth, video.UprightHeight), request.Encoder, pixelFormat), figures, estimate);
        await WriteAtomicallyAsync(request.Output, request.Overwrite, page, cancellationToken).ConfigureAwait(false);
        return new PreviewReportResult(request.Output, upscaler.Header.Name, loaded.Device, samples, estimate);
    }

    /// <summary>Each sampled frame on its own: one accurate seek per frame, so the frames between are never decoded.</summary>
    private static async Task DecodeAsync(VideoInfo video, PreviewReportRequest request, IReadOnlyList<long> indices, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        try
        {
            foreach (long index in indices)
            {
                var one = Channel.CreateBounded<Frame>(1);
                var decoding = new FrameDecoder(video, request.Ffmpeg, index, 1).RunAsync(one.Writer, cancellationToken);
                await foreach (var frame in one.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await output.HandOnAsync(frame, cancellationToken).ConfigureAwait(false);
                }
                await decoding.ConfigureAwait(false);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
            throw;
        }
    }

    private static void CompareAll(VideoInfo video, ImageUpscaler upscaler, ChannelReader<Frame> input, ChannelWriter<Frame> toEncode, Action<ReportFigure> done, CancellationToken cancellationToken)
    {
        try
        {
            while (input.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (input.TryRead(out var picture))
                {
                    using (picture)
                    {
                        // The same call a whole run makes per batch, so the time is the one a run pays per frame.
                        var clock = Stopwatch.StartNew();
                        var upscaled = upscaler.UpscaleFrame(picture);
                        double seconds = clock.Elapsed.TotalSeconds;
                        try
                        {
                            done(Figure(video, picture, upscaled, seconds));
                        }
                        catch
                        {
                            upscaled.Dispose();
                            throw;
                        }
                        toEncode.HandOn(upscaled, cancellationToken);
                    }
                }
            }
            toEncode.Complete();
        }
        catch (Exception ex)
        {
            toEncode.TryComplete(ex);
            throw;
        }
    }

    private static ReportFigure Figure(VideoInfo video, Frame source, Frame upscaled, double modelSeconds)
    {
        var planes = ImagePlanes.FromFrame(source);
        var seranet = ImagePlanes.FromFrame(upscaled);
        var bicubic = Resampler.Resize(planes, seranet.Width, seranet.Height, ResizeKernel.Bicubic);
        var region = DetailRegion.Find(planes);
        double factor = (double)seranet.Width / planes.Width;
        int x = (int)(region.X * factor), y = (int)(region.Y * factor);
        int w = Math.Min(seranet.Width - x, (int)Math.Round(region.Width * factor)), h = Math.Min(seranet.Height - y, (int)Math.Round(region.Height * factor));
        int zoom = Math.Max(1, (int)Math.Ceiling((double)ZoomedCropMinWidth / w));
        double seconds = video.TimeBase.ToSeconds((source.Pts ?? 0) - video.FramePts[0]);
        return new ReportFigure(
            new ReportSample(source.Index, seconds, modelSeconds), seranet.Width, seranet.Height,
            Encode(bicubic, ".jpg"), Encode(seranet, ".jpg"),
            region, zoom, Encode(SideBySide.Zoom(bicubic.Crop(x, y, w, h), zoom), ".png"), Encode(SideBySide.Zoom(seranet.Crop(x, y, w, h), zoom), ".png"));
    }

    /// <summary>An 8-bit JPEG or PNG of the picture, whatever the source's depth (browsers show 8 bits).</summary>
    private static byte[] Encode(ImagePlanes image, string extension)
    {
        using var frame = image.ToFrame(PixelFormat.Rgb24);
        using var bytes = new MemoryStream();
        SkiaImageWriter.Write(frame, extension, bytes);
        return bytes.ToArray();
    }

    private static async Task WriteAtomicallyAsync(string output, bool overwrite, PreviewReportPage page, CancellationToken cancellationToken)
    {
        PartialFile.RemoveAbandoned(output);
        string temporary = PartialFile.Beside(output);
        try
        {
            await using (var writer = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(false)))
            {
                await page.WriteAsync(writer, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, output, overwrite);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
