using System.Globalization;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Video;

/// <summary>Tiny clips made with ffmpeg's lavfi sources, and what ffprobe says about clips.</summary>
internal static class VideoClips
{
    public const int Width = 64;
    public const int Height = 48;

    /// <summary>testsrc2 with a sine audio track and a SubRip subtitle track, in Matroska.</summary>
    public static string WithAudioAndSubtitles(TempFolder temp, int frames = 10)
    {
        string srt = temp.File("subs.srt");
        File.WriteAllText(srt, "1\n00:00:00,000 --> 00:00:00,200\nHello\n\n2\n00:00:00,250 --> 00:00:00,380\nWorld\n");
        string clip = temp.File("av.mkv");
        Processes.Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size={Width}x{Height}:rate=25", "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000",
            "-i", srt, "-map", "0", "-map", "1", "-map", "2", "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-t", Seconds(frames / 25.0),
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "flac", "-c:s", "srt", clip);
        return clip;
    }

    public static string Plain(TempFolder temp, string name, int frames, string size = "64x48", string pixelFormat = "yuv420p")
    {
        string clip = temp.File(name);
        Processes.Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25", "-frames:v", frames.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-pix_fmt", pixelFormat, clip);
        return clip;
    }

    /// <summary>Flat grey frames whose luma says their index: Y = 16 + 8n (limited range), lossless.</summary>
    public static string Ramp(TempFolder temp, int frames)
    {
        string clip = temp.File("ramp.mp4");
        Processes.Ffmpeg("-f", "lavfi", "-i", $"color=c=black:size={Width}x{Height}:rate=25,format=yuv420p,geq=lum='16+N*8':cb=128:cr=128",
            "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-crf", "0", clip);
        return clip;
    }

    /// <summary>Mean luma of each frame of a video, or of a picture's region.</summary>
    public static IReadOnlyList<double> MeanLuma(TempFolder temp, string file, string? crop = null)
    {
        string raw = temp.File(Guid.NewGuid().ToString("N") + ".gray");
        Processes.Ffmpeg("-i", file, "-fps_mode", "passthrough", "-vf", (crop is null ? "" : $"crop={crop},") + "format=gray", "-f", "rawvideo", raw);
        var probe = Processes.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", file).Stdout.Trim().Split(',');
        int size = crop is null
            ? int.Parse(probe[0], CultureInfo.InvariantCulture) * int.Parse(probe[1], CultureInfo.InvariantCulture)
            : crop.Split(':').Take(2).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Aggregate((a, b) => a * b);
        byte[] data = File.ReadAllBytes(raw);
        return Enumerable.Range(0, data.Length / size).Select(i => data.AsSpan(i * size, size).ToArray().Average(b => (double)b)).ToList();
    }

    public static IReadOnlyList<double> FrameTimes(string file)
    {
        var result = Processes.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "csv=p=0", file);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => double.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture)).ToList();
    }

    public static int FrameCount(string file) => FrameTimes(file).Count;

    public static double Duration(string file) =>
        double.Parse(Processes.Run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file).Stdout.Trim(), CultureInfo.InvariantCulture);

    /// <summary>ffmpeg's streamhash of the copied packets of the streams that match <paramref name="specifier"/> (a, s).</summary>
    public static string PacketHash(string file, string specifier)
    {
        var result = Processes.Run("ffmpeg", "-nostdin", "-v", "error", "-i", file, "-map", $"0:{specifier}", "-c", "copy", "-f", "streamhash", "-");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Trim();
    }

    /// <summary>Y, U and V of the first frame's centre, read in the file's own 4:2:0 layout.</summary>
    public static (int Y, int U, int V) CentreYuv(TempFolder temp, string file, int width, int height)
    {
        string raw = temp.File(Path.GetFileNameWithoutExtension(file) + ".yuv");
        Processes.Ffmpeg("-i", file, "-frames:v", "1", "-f", "rawvideo", raw);
        byte[] data = File.ReadAllBytes(raw);
        int luma = width * height;
        int chromaWidth = width / 2;
        int chromaAt = height / 4 * chromaWidth + width / 4;
        return (data[height / 2 * width + width / 2], data[luma + chromaAt], data[luma + luma / 4 + chromaAt]);
    }

    public static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
