using SeRanet.Video.Core.Ffmpeg;

namespace SeRanet.Video.Encoder.Video;

/// <summary>What the installed ffmpeg's encoders accept, read from <c>ffmpeg -h encoder=NAME</c>.</summary>
public static class EncoderCapabilities
{
    /// <summary>The pixel formats an encoder takes; empty when ffmpeg does not list them.</summary>
    public static async Task<IReadOnlyList<string>> PixelFormatsAsync(string codec, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        string help = await FfmpegProcess.RunForTextAsync(ffmpeg.Ffmpeg, ["-hide_banner", "-h", $"encoder={codec}"], $"Asking ffmpeg about {codec}", cancellationToken).ConfigureAwait(false);
        if (help.Contains("is not recognized", StringComparison.Ordinal) || !help.Contains("Encoder ", StringComparison.Ordinal))
        {
            throw new ArgumentException($"This ffmpeg has no encoder named {codec}. Try one of: {string.Join(", ", EncoderOptions.KnownCodecs)}.");
        }
        return ParsePixelFormats(help);
    }

    public static IReadOnlyList<string> ParsePixelFormats(string help)
    {
        const string Marker = "Supported pixel formats:";
        foreach (string line in help.Split('\n'))
        {
            int at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                return line[(at + Marker.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }
        return [];
    }
}
