namespace SeRanet.Video.Decoder.Video;

/// <summary>
/// A video whose picture size changes partway (a stream cut together from several sources).
/// The pipeline works at one size, and ffmpeg would otherwise stretch every later picture to the first size.
/// </summary>
public sealed class PictureSizeChangeException(string path, int fromWidth, int fromHeight, int toWidth, int toHeight, long frame, double seconds)
    : IOException(
        $"{path} changes its picture size from {fromWidth}x{fromHeight} to {toWidth}x{toHeight} at frame {frame} ({seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s); " +
        "upscaling needs one size throughout, so cut the video there and upscale each part.")
{
    public long Frame { get; } = frame;

    public double Seconds { get; } = seconds;
}
