namespace SeRanet.Video.Core.Ffmpeg;

/// <summary>
/// How a local file is named on an ffmpeg or ffprobe command line. A bare name is parsed: one that
/// starts with '-' is taken as an option ("-in.mp4"), and one with a colon before any slash as a
/// protocol ("clip:1.mp4"). The file: protocol with the absolute path is read as the file itself.
/// </summary>
public static class FfmpegPaths
{
    public static string File(string path) => "file:" + Path.GetFullPath(path);
}
