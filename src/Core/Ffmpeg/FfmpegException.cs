namespace SeRanet.Video.Core.Ffmpeg;

/// <summary>ffmpeg or ffprobe failed; the message carries the tail of what it printed.</summary>
public class FfmpegException : Exception
{
    public FfmpegException()
    {
    }

    public FfmpegException(string message)
        : base(message)
    {
    }

    public FfmpegException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
