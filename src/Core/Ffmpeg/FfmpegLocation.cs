namespace SeRanet.Video.Core.Ffmpeg;

/// <summary>
/// Where the ffmpeg and ffprobe executables are. The default names them bare, so starting one
/// finds it the way the operating system does (on PATH); a shell with a setting of its own (the
/// CLI's SERANET_FFMPEG_DIR) passes full paths. The engine reads no environment variable for this:
/// every part that runs ffmpeg is given a location.
/// </summary>
public sealed record FfmpegLocation(string Ffmpeg = "ffmpeg", string Ffprobe = "ffprobe")
{
    /// <summary>ffmpeg and ffprobe as found on PATH when they start.</summary>
    public static FfmpegLocation OnPath { get; } = new();

    /// <summary>Both tools in one folder.</summary>
    public static FfmpegLocation InFolder(string folder) => new(Path.Combine(folder, "ffmpeg"), Path.Combine(folder, "ffprobe"));
}
