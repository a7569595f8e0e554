using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Weights;

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
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var scale = CommonOptions.Scale();
        var tile = CommonOptions.Tile();
        var overwrite = CommonOptions.Overwrite();
        var json = CommonOptions.Json();

        var command = new Command("preview", "Write one frame (or a range) side by side, bicubic | SeRanet, as PNG.")
        {
            input, at, frame, frames, output, crop, model, device, scale, tile, overwrite, json,
        };
        command.Check(result =>
        {
            int given = (result.GetValue(at) is null ? 0 : 1) + (result.GetValue(frame) is null ? 0 : 1) + (result.GetValue(frames) is null ? 0 : 1);
            return given == 1 ? null : "Give exactly one of --at, --frame or --frames.";
        });
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            string source = result.GetValue(input)!;
            string destination = result.GetValue(output)!;
            bool asJson = result.GetValue(json);
            var region = result.GetValue(crop);
            var video = await VideoProbe.ProbeAsync(source, cancellationToken);
            var (first, last) = result.GetValue(frames) is { } range ? range
                : result.GetValue(frame) is { } index ? (index, index)
                : FrameAt(video, result.GetValue(at)!.Value);
            if (last >= video.FrameCount)
            {
                throw new ArgumentException($"Frames {first}-{last} are outside the video's {video.FrameCount} frames (0-{video.FrameCount - 1}).");
            }
            bool toFolder = IsFolder(destination);
            if (toFolder)
            {
                Directory.CreateDirectory(destination);
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
            var written = new List<PreviewReport>();
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
                            string path = toFolder ? Path.Combine(destination, $"frame-{Numbered(picture.Index)}.png")
                                : single ? destination
                                : NumberedPath(destination, picture.Index);
                            await ImageFileWriter.WriteAsync(comparison, path, result.GetValue(overwrite), token);
                            var report = new PreviewReport(path, picture.Index, TimeOf(video, picture), comparison.Width, comparison.Height);
                            written.Add(report);
                            if (!asJson)
                            {
                                System.Console.WriteLine($"{path}: frame {report.Frame} at {report.Seconds:F3} s, bicubic | {upscaler.Header.Name}");
                            }
                        }
                    }
                },
            ], cancellationToken);
            if (asJson)
            {
                System.Console.WriteLine(JsonSerializer.Serialize(new { input = source, model = upscaler.Header.Name, images = written }, ModelJson.Options));
            }
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

    private sealed record PreviewReport(string Path, long Frame, double Seconds, int Width, int Height);

    private static string Numbered(long index) => index.ToString("D6", CultureInfo.InvariantCulture);

    private static string NumberedPath(string path, long index) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"{Path.GetFileNameWithoutExtension(path)}-{Numbered(index)}{Path.GetExtension(path)}");

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

    /// <summary>An output that names a folder: an existing one, a name ending in a separator, or a name without extension.</summary>
    private static bool IsFolder(string path) =>
        Directory.Exists(path) || Path.EndsInDirectorySeparator(path) || Path.GetExtension(path).Length == 0;

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
