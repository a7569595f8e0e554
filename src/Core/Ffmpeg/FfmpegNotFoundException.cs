namespace SeRanet.Video.Core.Ffmpeg;

/// <summary>
/// ffmpeg or ffprobe could not be started because it is not there. The engine says which tool it
/// looked for; each shell says how its user points it elsewhere (the CLI: SERANET_FFMPEG_DIR).
/// </summary>
public sealed class FfmpegNotFoundException : FfmpegException
{
    public FfmpegNotFoundException()
    {
    }

    public FfmpegNotFoundException(string message)
        : base(message)
    {
    }

    public FfmpegNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <param name="executable">The name or path that was started.</param>
    public FfmpegNotFoundException(string executable, string message, Exception innerException)
        : base(message, innerException)
    {
        Executable = executable;
    }

    /// <summary>The name (looked up on PATH) or full path that was started.</summary>
    public string? Executable { get; }
}
