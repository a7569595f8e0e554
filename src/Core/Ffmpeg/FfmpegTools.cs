namespace SeRanet.Video.Core.Ffmpeg;

/// <summary>Where the ffmpeg and ffprobe executables are: SERANET_FFMPEG_DIR, else PATH.</summary>
public static class FfmpegTools
{
    public static string Ffmpeg => Resolve("ffmpeg");

    public static string Ffprobe => Resolve("ffprobe");

    /// <summary>The folder holding the tools, or null when they are found on PATH.</summary>
    public static string? Directory
    {
        get
        {
            string? dir = Environment.GetEnvironmentVariable("SERANET_FFMPEG_DIR");
            if (!string.IsNullOrEmpty(dir))
            {
                return dir;
            }
            string? found = FindOnPath("ffmpeg");
            return found is null ? null : Path.GetDirectoryName(found);
        }
    }

    private static string Resolve(string name)
    {
        string? dir = Environment.GetEnvironmentVariable("SERANET_FFMPEG_DIR");
        if (!string.IsNullOrEmpty(dir))
        {
            return Path.Combine(dir, name);
        }
        return FindOnPath(name) ?? throw new FfmpegException(
            $"{name} was not found on PATH. Install ffmpeg (for example `apt-get install ffmpeg`) or set SERANET_FFMPEG_DIR.");
    }

    private static string? FindOnPath(string name)
    {
        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", ""] : [""];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string suffix in suffixes)
            {
                string candidate = Path.Combine(dir, name + suffix);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
