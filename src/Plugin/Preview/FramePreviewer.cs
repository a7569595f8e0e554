using System.Globalization;
using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Options;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Plugin.Preview;

/// <summary>A region of the source frame, in source pixels.</summary>
public sealed record PreviewCrop(int X, int Y, int Width, int Height);

/// <summary>
/// One preview job: which frames (exactly one of <see cref="Frames"/> and <see cref="AtSeconds"/>),
/// where the PNGs go, and how to upscale.
/// </summary>
public sealed record PreviewRequest
{
    public required string Input { get; init; }

    /// <summary>
    /// The PNG to write (for a range, NAME-INDEX.png beside it), or a folder (an existing one, or a
    /// name ending in a separator or without extension) to fill with frame-INDEX.png files.
    /// </summary>
    public required string Output { get; init; }

    public required ModelChoice Model { get; init; }

    /// <summary>First and last frame, inclusive, counting from 0.</summary>
    public (long First, long Last)? Frames { get; init; }

    /// <summary>The first frame shown at or after this time from the start.</summary>
    public double? AtSeconds { get; init; }

    /// <summary>Only this region, enlarged so single pixels are visible.</summary>
    public PreviewCrop? Crop { get; init; }

    public bool Overwrite { get; init; }

    /// <summary>The ffmpeg and ffprobe that read the video and write the formats not written in process.</summary>
    public FfmpegLocation Ffmpeg { get; init; } = FfmpegLocation.OnPath;
}

/// <summary>One PNG written, and the model that made its right half.</summary>
public sealed record PreviewImage(string Path, long Frame, double Seconds, int Width, int Height, string Model);

/// <summary>What a finished preview wrote, and with which model.</summary>
public sealed record PreviewResult(string Model, string Device, IReadOnlyList<PreviewImage> Images);

/// <summary>
/// The engine's preview job: frames of a video as PNGs, bicubic on the left and SeRanet on the
/// right, so the quality can be judged before committing hours to a whole file. Decoding, the
/// model (on one owned thread) and writing overlap through bounded channels. The CLI's
/// <c>preview</c> is a thin shell over it.
/// </summary>
public static class FramePreviewer
{
    /// <summary>A zoomed crop is enlarged until it is at least this wide, so single pixels are visible.</summary>
    private const int ZoomedCropMinWidth = 512;

    private sealed record Comparison(long Index, long? Pts, Frame Image) : IDisposable
    {
        public void Dispose() => Image.Dispose();
    }

    /// <param name="progress">Each PNG as it is written, in frame order.</param>
    /// <param name="modelWarnings">
    /// Once, as soon as the model is loaded: what to tell the user about how it runs
    /// (<see cref="ImageUpscaler.Warnings"/>, maybe none), so it is said even if the preview then fails.
    /// </param>
    /// <exception cref="ArgumentException">The frames or the crop are outside the video.</exception>
    public static async Task<PreviewResult> RunAsync(PreviewRequest request, IProgress<PreviewImage>? progress, IProgress<IReadOnlyList<string>>? modelWarnings, CancellationToken cancellationToken)
    {
        if ((request.Frames is null) == (request.AtSeconds is null))
        {
            throw new ArgumentException("Give exactly one of the frames and the time.", nameof(request));
        }
        var video = await VideoProbe.ProbeAsync(request.Input, request.Ffmpeg, cancellationToken).ConfigureAwait(false);
        var (first, last) = request.Frames ?? FrameAt(video, request.AtSeconds!.Value);
        if (last >= video.FrameCount)
        {
            throw new ArgumentException($"Frames {first}-{last} are outside the video's {video.FrameCount} frames (0-{video.FrameCount - 1}).");
        }
        bool toFolder = IsFolder(request.Output);
        if (toFolder)
        {
            Directory.CreateDirectory(request.Output);
        }

        var loaded = UpscalerFactory.Create(request.Model);
        using var upscaler = loaded.Upscaler;
        modelWarnings?.Report(upscaler.Warnings);
        var decoded = Channel.CreateBounded<Frame>(2);
        var compared = Channel.CreateBounded<Comparison>(2);
        var decoder = new FrameDecoder(video, request.Ffmpeg, first, last - first + 1);
        var written = new List<PreviewImage>();
        try
        {
            await PipelineRunner.RunAsync(
            [
                token => decoder.RunAsync(decoded.Writer, token),
                // The network runs on one dedicated thread: torch dispose scopes belong to a thread.
                token => Task.Factory.StartNew(() => CompareAll(upscaler, request.Crop, decoded.Reader, compared.Writer, token),
                    token, TaskCreationOptions.LongRunning, TaskScheduler.Default),
                async token =>
                {
                    await foreach (var comparison in compared.Reader.ReadAllAsync(token).ConfigureAwait(false))
                    {
                        using (comparison)
                        {
                            string path = toFolder ? Path.Combine(request.Output, $"frame-{Numbered(comparison.Index)}.png")
                                : first == last ? request.Output
                                : NumberedPath(request.Output, comparison.Index);
                            await ImageFileWriter.WriteAsync(comparison.Image, path, request.Overwrite, request.Ffmpeg, token).ConfigureAwait(false);
                            var image = new PreviewImage(path, comparison.Index, TimeOf(video, comparison.Pts), comparison.Image.Width, comparison.Image.Height, upscaler.Header.Name);
                            written.Add(image);
                            progress?.Report(image);
                        }
                    }
                },
            ], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            decoded.Reader.DisposeQueued();
            compared.Reader.DisposeQueued();
        }
        return new PreviewResult(upscaler.Header.Name, loaded.Device, written);
    }

    private static void CompareAll(ImageUpscaler upscaler, PreviewCrop? crop, ChannelReader<Frame> input, ChannelWriter<Comparison> output, CancellationToken cancellationToken)
    {
        try
        {
            while (input.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (input.TryRead(out var picture))
                {
                    using (picture)
                    {
                        output.HandOn(new Comparison(picture.Index, picture.Pts, Compare(upscaler, picture, crop).ToFrame(picture.Format)), cancellationToken);
                    }
                }
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
            throw;
        }
    }

    /// <summary>Bicubic and SeRanet results of one frame, optionally only a region, enlarged.</summary>
    private static ImagePlanes Compare(ImageUpscaler upscaler, Frame picture, PreviewCrop? crop)
    {
        var planes = ImagePlanes.FromFrame(picture);
        var seranet = upscaler.Upscale(planes);
        var bicubic = Resampler.Resize(planes, seranet.Width, seranet.Height, ResizeKernel.Bicubic);
        if (crop is { } r)
        {
            if (r.X < 0 || r.Y < 0 || r.Width < 1 || r.Height < 1 || r.X + r.Width > picture.Width || r.Y + r.Height > picture.Height)
            {
                throw new InvalidOptionException(InvalidOptionException.NameOf<PreviewRequest>(nameof(PreviewRequest.Crop)),
                    $"{r.X},{r.Y},{r.Width},{r.Height} is not inside the {picture.Width}x{picture.Height} frame");
            }
            double factor = (double)seranet.Width / picture.Width;
            int x = (int)(r.X * factor), y = (int)(r.Y * factor), w = (int)(r.Width * factor), h = (int)(r.Height * factor);
            int zoom = Math.Max(1, (int)Math.Ceiling((double)ZoomedCropMinWidth / w));
            seranet = SideBySide.Zoom(seranet.Crop(x, y, w, h), zoom);
            bicubic = SideBySide.Zoom(bicubic.Crop(x, y, w, h), zoom);
        }
        return SideBySide.Compose(bicubic, seranet);
    }

    private static string Numbered(long index) => index.ToString("D6", CultureInfo.InvariantCulture);

    private static string NumberedPath(string path, long index) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"{Path.GetFileNameWithoutExtension(path)}-{Numbered(index)}{Path.GetExtension(path)}");

    private static double TimeOf(VideoInfo video, long? pts) =>
        video.TimeBase.ToSeconds((pts ?? 0) - video.FramePts[0]);

    /// <summary>The first frame shown at or after <paramref name="seconds"/> from the start.</summary>
    private static (long, long) FrameAt(VideoInfo video, double seconds)
    {
        long origin = video.FramePts[0];
        for (int i = 0; i < video.FrameCount; i++)
        {
            if (video.TimeBase.ToSeconds(video.FramePts[i] - origin) >= seconds - 1e-6)
            {
                return (i, i);
            }
        }
        throw new InvalidOptionException(InvalidOptionException.NameOf<PreviewRequest>(nameof(PreviewRequest.AtSeconds)),
            $"{seconds.ToString(CultureInfo.InvariantCulture)} s is past the end of the video ({video.FrameSpanSeconds.ToString("F3", CultureInfo.InvariantCulture)} s)");
    }

    /// <summary>An output that names a folder: an existing one, a name ending in a separator, or a name without extension.</summary>
    private static bool IsFolder(string path) =>
        Directory.Exists(path) || Path.EndsInDirectorySeparator(path) || Path.GetExtension(path).Length == 0;
}
