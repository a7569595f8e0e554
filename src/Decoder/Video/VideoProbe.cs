using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Decoder.Video;

/// <summary>
/// Reads a video file's facts from ffprobe's JSON into a <see cref="VideoInfo"/>, then lists the
/// primary stream's packet timestamps: their count is the frame count even where the container
/// does not store nb_frames, and sorted they are the frames' presentation timestamps. Still
/// images are read with the same JSON reader (<see cref="ReadStreamsAsync"/>), so pictures and
/// videos share one notion of size, pixel format and bit depth.
/// </summary>
public static partial class VideoProbe
{
    public static async Task<VideoInfo> ProbeAsync(string path, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {path}", path);
        }
        // Both ffprobe runs start together (the packet list covers every video stream, since which
        // one is primary is only known from the first): probing is on every run's start-up path.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var packets = FfmpegProcess.RunForTextAsync(ffmpeg.Ffprobe, PacketArguments(path), $"Listing frames of {path}", abandon.Token);
        VideoInfo info;
        try
        {
            info = await ReadStreamsAsync(path, ffmpeg, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await abandon.CancelAsync().ConfigureAwait(false);
            await packets.ContinueWith(task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            if (ex is FfmpegException failure and not FfmpegNotFoundException)
            {
                throw new FfmpegException($"{path} is not a readable video file.\n{failure.Message}", failure);
            }
            throw;
        }
        var pts = ParsePacketPts(await packets.ConfigureAwait(false), info.StreamIndex);
        if (pts.Count == 0)
        {
            throw new FfmpegException($"{path} has a video stream but no frames in it.");
        }
        if (pts.Any(p => p is null))
        {
            // Streams without timestamps (raw elementary streams) play at their nominal rate.
            var frameRate = info.FrameRate.IsValid ? info.FrameRate : new Rational(25, 1);
            return info with
            {
                TimeBase = new Rational(frameRate.Denominator, frameRate.Numerator),
                FramePts = Enumerable.Range(0, pts.Count).Select(i => (long)i).ToList(),
            };
        }
        var sorted = pts.Select(p => p!.Value).Order().ToList();
        return info with { FramePts = sorted, DeclaredFrameCount = info.DeclaredFrameCount ?? FramesInDuration(info, sorted) };
    }

    /// <summary>
    /// The frames a stated stream duration holds when nearly all packets found are one interval apart
    /// (a constant rate, perhaps with a gap where packets were lost); null for variable frame rates,
    /// which have no one interval to divide by, and where no duration is stated.
    /// </summary>
    private static long? FramesInDuration(VideoInfo info, List<long> pts)
    {
        if (info.StreamDurationSeconds is not { } seconds || pts.Count < 3 || !info.TimeBase.IsValid)
        {
            return null;
        }
        var steps = pts.Zip(pts.Skip(1), (a, b) => b - a).GroupBy(step => step).OrderByDescending(group => group.Count()).First();
        if (steps.Key <= 0 || steps.Count() < 0.9 * (pts.Count - 1))
        {
            return null;
        }
        return (long)Math.Round(seconds / info.TimeBase.ToSeconds(steps.Key));
    }

    /// <summary>
    /// Fails with <see cref="PictureSizeChangeException"/> when the primary stream's picture size
    /// changes partway. Sizes change only at key frames, so only those are decoded: the file is read
    /// once, which is little next to upscaling it.
    /// </summary>
    public static async Task CheckOneSizeAsync(VideoInfo video, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default)
    {
        string csv;
        try
        {
            csv = await FfmpegProcess.RunForTextAsync(ffmpeg.Ffprobe, KeyFrameSizeArguments(video), $"Reading the key frames of {video.Path}", cancellationToken).ConfigureAwait(false);
        }
        catch (FfmpegException ex) when (ex is not FfmpegNotFoundException)
        {
            // A file damaged past some point: the check cannot be made, and the decoder will say what is wrong.
            return;
        }
        (int Width, int Height)? size = null;
        foreach (string line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] fields = line.Split(',');
            if (fields.Length < 3 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
                || !int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out int height))
            {
                continue;
            }
            if (size is not { } first)
            {
                size = (width, height);
            }
            else if ((width, height) != first)
            {
                bool timed = long.TryParse(fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long pts);
                int frame = timed ? video.FramePts.ToList().BinarySearch(pts) : 0;
                double seconds = timed && video.TimeBase.IsValid ? video.TimeBase.ToSeconds(pts) - video.StartSeconds : 0;
                throw new PictureSizeChangeException(video.Path, first.Width, first.Height, width, height, frame < 0 ? ~frame : frame, seconds);
            }
        }
    }

    public static IReadOnlyList<string> KeyFrameSizeArguments(VideoInfo video) =>
        ["-v", "error", "-skip_frame", "nokey", "-select_streams", video.StreamIndex.ToString(CultureInfo.InvariantCulture),
         "-show_entries", "frame=pts,width,height", "-of", "csv=p=0", FfmpegPaths.File(video.Path)];

    /// <summary>
    /// The primary picture stream's facts without the frame list: all a still image needs. Fails
    /// with ffprobe's own message, which the caller words for its kind of file.
    /// </summary>
    public static async Task<VideoInfo> ReadStreamsAsync(string path, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {path}", path);
        }
        string json = await FfmpegProcess.RunForTextAsync(ffmpeg.Ffprobe, StreamArguments(path), $"Reading {path}", cancellationToken).ConfigureAwait(false);
        return Parse(path, json);
    }

    public static IReadOnlyList<string> StreamArguments(string path) =>
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", FfmpegPaths.File(path)];

    public static IReadOnlyList<string> PacketArguments(string path) =>
        ["-v", "error", "-select_streams", "v", "-show_entries", "packet=stream_index,pts,flags", "-of", "csv=p=0", FfmpegPaths.File(path)];

    /// <summary>Builds the record from ffprobe's -show_format -show_streams JSON; FramePts is left empty.</summary>
    public static VideoInfo Parse(string path, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var streams = root.TryGetProperty("streams", out var s) ? s.EnumerateArray().ToList() : [];
        var video = streams.FirstOrDefault(stream => Text(stream, "codec_type") == "video" && !IsCoverArt(stream));
        if (video.ValueKind != JsonValueKind.Object)
        {
            // Not an ffprobe failure, so not worded as an unreadable file: the file is read, and holds no picture.
            string held = string.Join(", ", streams.Select(stream => $"{Text(stream, "codec_type")} ({Text(stream, "codec_name")})"));
            throw new InvalidDataException($"{path} has no video stream" + (held.Length > 0 ? $"; it holds {held}." : "."));
        }
        int width = Integer(video, "width") ?? 0;
        int height = Integer(video, "height") ?? 0;
        if (width <= 0 || height <= 0)
        {
            throw new FfmpegException($"{path}: the video stream has no picture size; the file may be damaged.");
        }
        string pixelFormat = Text(video, "pix_fmt") ?? throw new FfmpegException($"{path}: the video stream has no known pixel format; the file may be damaged.");
        int streamIndex = Integer(video, "index") ?? 0;
        var format = root.TryGetProperty("format", out var f) ? f : default;
        var sar = Rational.Parse(Text(video, "sample_aspect_ratio"));
        return new VideoInfo
        {
            Path = path,
            FormatName = format.ValueKind == JsonValueKind.Object ? Text(format, "format_name") ?? "" : "",
            StreamIndex = streamIndex,
            CodecName = Text(video, "codec_name") ?? "unknown",
            Width = width,
            Height = height,
            FramePts = [],
            FrameRate = Rational.Parse(Text(video, "r_frame_rate")),
            TimeBase = Rational.Parse(Text(video, "time_base")),
            DurationSeconds = Double(format, "duration") ?? Double(video, "duration"),
            DeclaredFrameCount = Integer(video, "nb_frames") is > 0 and var frames ? frames : null,
            StreamDurationSeconds = Double(video, "duration") ?? TagSeconds(video, "DURATION"),
            StartSeconds = Double(format, "start_time") ?? 0,
            PixelFormat = pixelFormat,
            BitDepth = BitDepthOf(pixelFormat, Integer(video, "bits_per_raw_sample")),
            Color = VideoColor.Describe(Text(video, "color_range"), Text(video, "color_space"), Text(video, "color_primaries"),
                Text(video, "color_transfer"), pixelFormat, height, Text(video, "chroma_location")),
            SampleAspectRatio = sar.IsValid ? sar : new Rational(1, 1),
            Rotation = RotationOf(video),
            FieldOrder = Text(video, "field_order") is { } order && order != "unknown" ? order : null,
            OtherStreams = streams
                .Where(stream => (Integer(stream, "index") ?? -1) != streamIndex)
                .Select(stream => new StreamSummary(Integer(stream, "index") ?? -1, Text(stream, "codec_type") ?? "unknown", Text(stream, "codec_name") ?? "unknown")
                {
                    AttachedPicture = IsCoverArt(stream),
                })
                .ToList(),
        };
    }

    /// <summary>
    /// Bits per component, the one rule for images and video: from the pixel format's name
    /// (yuv420p10le, gray12le, p010le: 10 or 12; rgb48, rgba64: 16), 16 for floating-point formats
    /// (they decode to 16-bit), else bits_per_raw_sample, else 8.
    /// </summary>
    public static int BitDepthOf(string pixelFormat, int? bitsPerRawSample)
    {
        var match = DeepFormat().Match(pixelFormat);
        if (match.Success)
        {
            return int.Parse(match.Groups["bits"].Value, CultureInfo.InvariantCulture);
        }
        if (SixteenBitPackedFormat().IsMatch(pixelFormat)
            || pixelFormat.Contains("f32", StringComparison.Ordinal) || pixelFormat.Contains("f16", StringComparison.Ordinal))
        {
            return 16;
        }
        return bitsPerRawSample is > 8 and <= 16 ? bitsPerRawSample.Value : 8;
    }

    /// <summary>Presentation timestamps of one stream's packets from <see cref="PacketArguments"/>' CSV (stream_index,pts,flags).</summary>
    public static List<long?> ParsePacketPts(string csv, int streamIndex)
    {
        string index = streamIndex.ToString(CultureInfo.InvariantCulture);
        var pts = new List<long?>();
        foreach (string line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] fields = line.Split(',');
            // Packets flagged D (discard) sit before an edit list's start; the decoder drops them.
            if (fields[0] != index || (fields.Length > 2 && fields[2].Contains('D', StringComparison.Ordinal)))
            {
                continue;
            }
            pts.Add(fields.Length > 1 && long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null);
        }
        return pts;
    }

    /// <summary>A duration tag such as Matroska's per-stream "00:00:02.000000000", in seconds.</summary>
    private static double? TagSeconds(JsonElement stream, string name)
    {
        if (!stream.TryGetProperty("tags", out var tags) || Text(tags, name) is not { } text)
        {
            return null;
        }
        string[] parts = text.Split(':');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int hours)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minutes)
            || !double.TryParse(parts[2], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds))
        {
            return null;
        }
        return hours * 3600.0 + minutes * 60 + seconds;
    }

    private static int RotationOf(JsonElement video)
    {
        if (video.TryGetProperty("side_data_list", out var sideData))
        {
            foreach (var item in sideData.EnumerateArray())
            {
                if (Integer(item, "rotation") is { } rotation)
                {
                    return rotation;
                }
            }
        }
        if (video.TryGetProperty("tags", out var tags) && Integer(tags, "rotate") is { } rotate)
        {
            // The old tag counts clockwise; the display matrix counts the other way.
            return -rotate;
        }
        return 0;
    }

    private static bool IsCoverArt(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition) && Integer(disposition, "attached_pic") == 1;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    private static int? Integer(JsonElement element, string name) =>
        int.TryParse(Text(element, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static double? Double(JsonElement element, string name) =>
        double.TryParse(Text(element, name), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;

    // Planar (yuv420p10le, gbrap12be), grey (gray10le, ya16be), semi-planar (p010le) and packed
    // 10-bit RGB (x2rgb10le): the digits before the byte order are the bits per component.
    [GeneratedRegex(@"(?:p|p0|gray|ya|rgb|bgr)(?<bits>9|10|12|14|16)(?:le|be)$")]
    private static partial Regex DeepFormat();

    [GeneratedRegex(@"^(?:rgb48|bgr48|rgba64|bgra64)")]
    private static partial Regex SixteenBitPackedFormat();
}
