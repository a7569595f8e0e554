using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Encoder.Video;

/// <summary>
/// Which of the source's other streams can be copied untouched into the output container.
/// Matroska takes everything; MP4 and MOV take audio and mov_text subtitles; WebM takes Opus,
/// Vorbis and WebVTT. What cannot go in is left out and named, rather than re-encoded.
/// </summary>
public static class CopiedStreams
{
    public static (IReadOnlyList<StreamSummary> Kept, IReadOnlyList<StreamSummary> Dropped) Select(IEnumerable<StreamSummary> streams, string outputPath)
    {
        string extension = Path.GetExtension(outputPath).ToLowerInvariant();
        var kept = new List<StreamSummary>();
        var dropped = new List<StreamSummary>();
        foreach (var stream in streams)
        {
            (Fits(stream, extension) ? kept : dropped).Add(stream);
        }
        return (kept, dropped);
    }

    private static bool Fits(StreamSummary stream, string extension) => extension switch
    {
        ".mkv" or ".mka" => stream.Kind is "audio" or "subtitle" or "attachment",
        ".mp4" or ".m4v" or ".mov" => stream.Kind == "audio" || (stream.Kind == "subtitle" && stream.CodecName == "mov_text"),
        ".webm" => (stream.Kind == "audio" && stream.CodecName is "opus" or "vorbis") || (stream.Kind == "subtitle" && stream.CodecName == "webvtt"),
        _ => stream.Kind == "audio",
    };
}
