using FFMpegCore;
using FFMpegCore.Exceptions;
using SeRanet.Video.Core.Ffmpeg;

namespace SeRanet.Video.Decoder.Probing;

/// <summary>Asks ffprobe (through FFMpegCore) what a file holds.</summary>
public static class MediaProbe
{
    private static readonly Lock ConfigureLock = new();
    private static bool _configured;

    public static async Task<IMediaAnalysis> AnalyseAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {path}", path);
        }
        ConfigureOnce();
        try
        {
            return await FFProbe.AnalyseAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FFMpegException or FormatException or System.Text.Json.JsonException)
        {
            throw new FfmpegException($"{path} is not a readable image or video ({FirstLine(ex.Message)}).", ex);
        }
    }

    /// <summary>Bits per channel of an ffmpeg pixel format name: 16 for anything above 8.</summary>
    public static int BitDepthOf(string? pixelFormat, int bitsPerRawSample)
    {
        if (bitsPerRawSample > 8)
        {
            return 16;
        }
        if (string.IsNullOrEmpty(pixelFormat))
        {
            return 8;
        }
        string[] deepMarkers = ["48", "64", "16", "p9", "p10", "p12", "p14", "f32", "f16", "gray10", "gray12", "gray14", "gbrp10", "gbrp12"];
        return deepMarkers.Any(marker => pixelFormat.Contains(marker, StringComparison.Ordinal)) ? 16 : 8;
    }

    private static void ConfigureOnce()
    {
        lock (ConfigureLock)
        {
            if (_configured)
            {
                return;
            }
            string? folder = FfmpegTools.Directory;
            if (folder is null)
            {
                _ = FfmpegTools.Ffprobe; // throws the clear "not installed" message
            }
            GlobalFFOptions.Configure(options => options.BinaryFolder = folder ?? "");
            _configured = true;
        }
    }

    private static string FirstLine(string text)
    {
        string trimmed = text.Trim();
        int newline = trimmed.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? trimmed : trimmed[..newline];
    }
}
