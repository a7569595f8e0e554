using System.CommandLine;
using System.Globalization;
using System.Threading.Channels;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// <c>seranet preview</c>: one frame (or a short range) of a video as PNG, bicubic on the left and
/// SeRanet on the right, so the quality can be judged before committing hours to a whole file.
/// </summary>
internal static class PreviewCommand
{
    /// <summary>A zoomed crop is enlarged until it is at least this wide, so single pixels are visible.</summary>
    private const int ZoomedCropMinWidth = 512;

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The video to preview." };
        var at = new Option<string?>("--at") { Description = "Time of the frame: seconds (62.5) or [hh:]mm:ss[.f] (00:01:02.5)." };
        var frame = new Option<long?>("--frame") { Description = "Index of the frame, counting from 0." };
        var frames = new Option<string?>("--frames") { Description = "A range of frames A-B (inclusive), each written as its own PNG." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The PNG to write; with --frames, NAME-INDEX.png files beside it.",
            DefaultValueFactory = _ => "preview.png",
        };
        var crop = new Option<string?>("--crop") { Description = "Only this region of the source, x,y,w,h in source pixels, shown enlarged." };
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var scale = CommonOptions.Scale();
        var tile = CommonOptions.Tile();
        var overwrite = CommonOptions.Overwrite();

        var command = new Command("preview", "Write one frame (or a range) side by side, bicubic | SeRanet, as PNG.")
        {
            input, at, frame, frames, output, crop, model, device, scale, tile, overwrite,
        };
        command.Validators.Add(result =>
        {
            int given = (result.GetValue(at) is null ? 0 : 1) + (result.GetValue(frame) is null ? 0 : 1) + (result.GetValue(frames) is null ? 0 : 1);
            if (given != 1)
            {
                result.AddError("Give exactly one of --at, --frame or --frames.");
            }
        });
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            string source = result.GetValue(input)!;
            string destination = result.GetValue(output)!;
            var region = result.GetValue(crop) is { } cropText ? ParseCrop(cropText) : ((int X, int Y, int W, int H)?)null;
            var video = await VideoProbe.ProbeAsync(source, cancellationToken);
            var (first, last) = result.GetValue(frames) is { } range ? ParseRange(range)
                : result.GetValue(frame) is { } index ? (index, index)
                : FrameAt(video, ParseTime(result.GetValue(at)!));
            if (first < 0 || last >= video.FrameCount || last < first)
            {
                throw new ArgumentException($"Frames {first}-{last} are outside the video's {video.FrameCount} frames (0-{video.FrameCount - 1}).");
            }

            var torchDevice = ComputeDevice.Resolve(result.GetValue(device), out _);
            using var upscaler = ImageUpscaler.Open(result.GetValue(model), torchDevice, new UpscaleOptions
            {
                Scale = result.GetValue(scale),
                TileSize = result.GetValue(tile),
            });
            NumericsNotice.Announce(result);
            var decoded = Channel.CreateBounded<Frame>(2);
            var decoder = new FrameDecoder(video, first, last - first + 1);
            bool single = first == last;
            await PipelineRunner.RunAsync(
            [
                token => decoder.RunAsync(decoded.Writer, token),
                async token =>
                {
                    await foreach (var picture in decoded.Reader.ReadAllAsync(token))
                    {
                        using (picture)
                        {
                            using var comparison = Compare(upscaler, picture, region).ToFrame(picture.Format);
                            string path = single ? destination : NumberedPath(destination, picture.Index);
                            await ImageFileWriter.WriteAsync(comparison, path, result.GetValue(overwrite), token);
                            System.Console.WriteLine($"{path}: frame {picture.Index} at {TimeOf(video, picture):F3} s, bicubic | {upscaler.Header.Name}");
                        }
                    }
                },
            ], cancellationToken);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Bicubic and SeRanet results of one frame, optionally only a region, enlarged.</summary>
    private static ImagePlanes Compare(ImageUpscaler upscaler, Frame picture, (int X, int Y, int W, int H)? region)
    {
        var planes = ImagePlanes.FromFrame(picture);
        var seranet = upscaler.Upscale(planes);
        var bicubic = Resampler.Resize(planes, seranet.Width, seranet.Height, ResizeKernel.Bicubic);
        if (region is { } r)
        {
            if (r.X < 0 || r.Y < 0 || r.W < 1 || r.H < 1 || r.X + r.W > picture.Width || r.Y + r.H > picture.Height)
            {
                throw new ArgumentException($"--crop {r.X},{r.Y},{r.W},{r.H} is not inside the {picture.Width}x{picture.Height} frame.");
            }
            double factor = (double)seranet.Width / picture.Width;
            int x = (int)(r.X * factor), y = (int)(r.Y * factor), w = (int)(r.W * factor), h = (int)(r.H * factor);
            int zoom = Math.Max(1, (int)Math.Ceiling((double)ZoomedCropMinWidth / w));
            seranet = SideBySide.Zoom(seranet.Crop(x, y, w, h), zoom);
            bicubic = SideBySide.Zoom(bicubic.Crop(x, y, w, h), zoom);
        }
        return SideBySide.Compose(bicubic, seranet);
    }

    private static string NumberedPath(string path, long index) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!,
            $"{Path.GetFileNameWithoutExtension(path)}-{index.ToString("D6", CultureInfo.InvariantCulture)}{Path.GetExtension(path)}");

    private static double TimeOf(VideoInfo video, Frame picture) =>
        video.TimeBase.ToSeconds((picture.Pts ?? 0) - video.FramePts[0]);

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
        throw new ArgumentException($"--at {seconds.ToString(CultureInfo.InvariantCulture)} s is past the end of the video ({video.FrameSpanSeconds:F3} s).");
    }

    /// <summary>Seconds from "62.5", "01:02.5" or "00:01:02.5".</summary>
    internal static double ParseTime(string text)
    {
        double seconds = 0;
        foreach (string part in text.Split(':'))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0)
            {
                throw new ArgumentException($"--at {text} is not a time; use seconds (62.5) or [hh:]mm:ss[.f] (00:01:02.5).");
            }
            seconds = seconds * 60 + value;
        }
        return seconds;
    }

    internal static (long First, long Last) ParseRange(string text)
    {
        string[] parts = text.Split('-');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long first)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long last))
        {
            return (first, last);
        }
        throw new ArgumentException($"--frames {text} is not a range; use A-B, e.g. 100-110.");
    }

    internal static (int X, int Y, int W, int H) ParseCrop(string text)
    {
        var values = text.Split(',').Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : -1).ToArray();
        if (values.Length != 4 || values.Any(v => v < 0))
        {
            throw new ArgumentException($"--crop {text} is not a region; use x,y,w,h in source pixels, e.g. 100,50,64,64.");
        }
        return (values[0], values[1], values[2], values[3]);
    }
}
