using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Encoder.Video;

/// <summary>What happens to each of the source's other streams in the output container.</summary>
/// <param name="Carried">Streams written to the output, in order: copied untouched, or converted where <see cref="Conversions"/> names an encoder.</param>
/// <param name="Conversions">Source stream index to the ffmpeg encoder that converts it, for streams the container cannot hold as they are.</param>
/// <param name="Dropped">Streams the container cannot hold at all.</param>
public sealed record StreamSelection(IReadOnlyList<StreamSummary> Carried, IReadOnlyDictionary<int, string> Conversions, IReadOnlyList<StreamSummary> Dropped)
{
    public void Deconstruct(out IReadOnlyList<StreamSummary> carried, out IReadOnlyList<StreamSummary> dropped)
    {
        carried = Carried;
        dropped = Dropped;
    }
}

/// <summary>
/// Which of the source's other streams go into the output container, and how. Matroska takes
/// audio, subtitles and attachments untouched. MP4 and MOV take most audio untouched and text
/// subtitles as mov_text; WebM takes Opus and Vorbis, and text subtitles as WebVTT. Audio the
/// container cannot hold is converted (AAC for MP4/MOV, Opus for WebM) rather than lost; what
/// cannot be converted (extra video streams, bitmap subtitles, data, attachments outside Matroska)
/// is listed as dropped, and the encoder refuses to drop it unless asked.
/// </summary>
public static class CopiedStreams
{
    private static readonly HashSet<string> Mp4Audio = ["aac", "mp3", "mp2", "ac3", "eac3", "alac", "flac", "opus", "dts"];

    private static readonly HashSet<string> TextSubtitles = ["subrip", "ass", "ssa", "webvtt", "mov_text", "text"];

    public static StreamSelection Select(IEnumerable<StreamSummary> streams, string outputPath)
    {
        string extension = Path.GetExtension(outputPath).ToLowerInvariant();
        var carried = new List<StreamSummary>();
        var conversions = new Dictionary<int, string>();
        var dropped = new List<StreamSummary>();
        foreach (var stream in streams)
        {
            var route = Plan(stream, extension);
            if (!route.Keep)
            {
                dropped.Add(stream);
                continue;
            }
            carried.Add(stream);
            if (route.Encoder is { } encoder)
            {
                conversions[stream.Index] = encoder;
            }
        }
        return new StreamSelection(carried, conversions, dropped);
    }

    /// <summary>Whether a stream goes into the output, and the encoder that converts it (null: copied as it is).</summary>
    private readonly record struct Route(bool Keep, string? Encoder)
    {
        public static readonly Route Copy = new(true, null);
        public static readonly Route Drop = new(false, null);

        public static Route Convert(string encoder) => new(true, encoder);
    }

    private static Route Plan(StreamSummary stream, string extension) => (extension, stream.Kind) switch
    {
        // Cover art: MP4 and MOV keep it as the cover; Matroska (ffmpeg 5.1) keeps it as a one-picture
        // track with its file name and type, which is not lost, though no longer marked as the cover.
        (".mkv" or ".mp4" or ".m4v" or ".mov", "video") when stream.AttachedPicture => Route.Copy,
        (".mkv" or ".mka", "audio" or "subtitle" or "attachment") => Route.Copy,
        (".mp4" or ".m4v", "audio") => Mp4Audio.Contains(stream.CodecName) ? Route.Copy : Route.Convert("aac"),
        (".mov", "audio") => Mp4Audio.Contains(stream.CodecName) || stream.CodecName.StartsWith("pcm_", StringComparison.Ordinal) ? Route.Copy : Route.Convert("aac"),
        (".mp4" or ".m4v" or ".mov", "subtitle") => stream.CodecName == "mov_text" ? Route.Copy
            : TextSubtitles.Contains(stream.CodecName) ? Route.Convert("mov_text") : Route.Drop,
        (".webm", "audio") => stream.CodecName is "opus" or "vorbis" ? Route.Copy : Route.Convert("libopus"),
        (".webm", "subtitle") => stream.CodecName == "webvtt" ? Route.Copy
            : TextSubtitles.Contains(stream.CodecName) ? Route.Convert("webvtt") : Route.Drop,
        (".mkv" or ".mka" or ".mp4" or ".m4v" or ".mov" or ".webm", _) => Route.Drop,
        (_, "audio") => Route.Copy,
        _ => Route.Drop,
    };
}

/// <summary>
/// The output container cannot hold some of the source's streams, and dropping them was not
/// allowed. Each shell says how its user allows it (the CLI: a flag).
/// </summary>
public sealed class StreamsNotCarriedException(string outputPath, IReadOnlyList<StreamSummary> streams)
    : InvalidOperationException($"{Path.GetFileName(outputPath)} cannot hold {Describe(streams)} of the source" +
        (Path.GetExtension(outputPath).Equals(".mkv", StringComparison.OrdinalIgnoreCase)
            ? " (only the first video stream is upscaled)."
            : "; Matroska (.mkv) holds audio, subtitles and attachments of every kind."))
{
    public IReadOnlyList<StreamSummary> Streams { get; } = streams;

    private static string Describe(IReadOnlyList<StreamSummary> streams) =>
        (streams.Count == 1 ? "stream " : "streams ") + string.Join(", ", streams.Select(s => $"{s.Index} ({s.Kind} {s.CodecName})"));
}
