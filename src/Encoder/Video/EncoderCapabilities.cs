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

    /// <summary>
    /// Fails when ffmpeg has no container for the output's extension, before any work: ffmpeg
    /// chooses the muxer by the name, and would otherwise fail only once the first frame is encoded.
    /// The name is tried in a folder that does not exist, so nothing is written either way.
    /// </summary>
    public static async Task CheckContainerAsync(string outputPath, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        string trial = Path.Combine(Path.GetTempPath(), $"seranet-no-such-folder-{Guid.NewGuid():N}", "x" + Path.GetExtension(outputPath));
        try
        {
            await FfmpegProcess.RunForTextAsync(ffmpeg.Ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "nullsrc=s=16x16", "-frames:v", "1", FfmpegPaths.File(trial)],
                $"Asking ffmpeg about {Path.GetExtension(outputPath)} files", cancellationToken).ConfigureAwait(false);
        }
        catch (FfmpegException ex) when (ex.Message.Contains("Unable to find a suitable output format", StringComparison.Ordinal))
        {
            string extension = Path.GetExtension(outputPath);
            throw new ArgumentException((extension.Length == 0 ? $"The output {outputPath} has no extension" : $"ffmpeg has no container for {extension} files ({outputPath})") +
                "; name the output .mkv (keeps every stream), .mp4, .mov or .webm.");
        }
        catch (FfmpegException ex) when (ex is not FfmpegNotFoundException)
        {
            // The container is known: ffmpeg failed only to open the file in the missing folder.
        }
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
