using System.Diagnostics;
using System.Globalization;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Plugin.Y4m;

/// <summary>
/// <c>seranet filter</c> between real producers and consumers of YUV4MPEG2 (ffmpeg, x264, x265,
/// SvtAv1EncApp, mpv, GStreamer), as a user's shell pipeline runs it. scripts/test.sh installs
/// the tools (scripts/ensure-media-tools.sh). Clips are tiny: 160x90 and a few frames.
/// </summary>
[Trait("Category", "Integration")]
public sealed class Y4mHostTests : IDisposable
{
    private const string Model = "seranet-fast-deep";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Runs a bash pipeline in the temp folder with <c>$SERANET</c> the built tool; every stage's failure counts.</summary>
    private Processes.Result Shell(string script)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _temp.Path,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -o pipefail\n" + script);
        info.Environment["SERANET"] = $"dotnet {RepoPaths.CliDll} filter -m {Model}";
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"took over 3 minutes: {script}");
        }
        return new Processes.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void Succeeded(Processes.Result result) =>
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");

    /// <summary>An ffmpeg y4m producer of <paramref name="frames"/> testsrc2 frames at 30000/1001 fps and SAR 4:3.</summary>
    private static string Producer(string pixelFormat, int frames = 4, string size = "160x90", string extra = "") =>
        $"ffmpeg -nostdin -v error -f lavfi -i testsrc2=size={size}:rate=30000/1001 -frames:v {frames} -vf setsar=4/3 -pix_fmt {pixelFormat} {extra} -strict -1 -f yuv4mpegpipe -";

    private string Header(string file) => File.ReadLines(_temp.File(file)).First();

    private int FrameCount(string file) =>
        int.Parse(Processes.Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
            "-of", "default=nw=1:nk=1", _temp.File(file)).Stdout.Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// The output header is the input's with the size doubled and ffmpeg's XYSCSS dropped; ffmpeg
    /// then reads the same format, frame rate, aspect, chroma siting and range back from it.
    /// </summary>
    [Theory]
    [InlineData("yuv420p", "", "C420jpeg", "center")]
    [InlineData("yuv420p", "-chroma_sample_location left", "C420mpeg2", "left")]
    [InlineData("yuv420p", "-chroma_sample_location topleft", "C420paldv", "topleft")]
    [InlineData("yuvj420p", "", "C420jpeg XCOLORRANGE=FULL", "center")]
    [InlineData("yuv420p10le", "", "C420p10 XCOLORRANGE=LIMITED", null)]
    [InlineData("yuv422p", "", "C422", null)]
    [InlineData("yuv444p12le", "", "C444p12", null)]
    [InlineData("gray", "", "Cmono XCOLORRANGE=FULL", null)]
    public void Ffmpeg_to_ffmpeg_keeps_rate_aspect_format_siting_and_range(string pixelFormat, string extra, string tags, string? siting)
    {
        var result = Shell($"{Producer(pixelFormat, extra: extra)} | tee in.y4m | $SERANET | tee out.y4m | ffmpeg -nostdin -v error -f yuv4mpegpipe -i - -c:v ffv1 -y out.mkv");

        Succeeded(result);
        string header = Header("out.y4m");
        string expected = System.Text.RegularExpressions.Regex.Replace(Header("in.y4m"), " XYSCSS=[^ ]+", "").Replace("W160 H90", "W320 H180", StringComparison.Ordinal);
        Assert.Equal(expected, header);
        Assert.StartsWith("YUV4MPEG2 W320 H180 F30000:1001 Ip A4:3 " + tags, header, StringComparison.Ordinal);
        Assert.True(header.Length + 1 <= 80);
        foreach (string entry in (string[])["pix_fmt", "r_frame_rate", "sample_aspect_ratio", "color_range", "chroma_location"])
        {
            Assert.Equal(Processes.Probe(_temp.File("in.y4m"), entry), Processes.Probe(_temp.File("out.y4m"), entry));
        }
        if (siting is not null)
        {
            Assert.Equal(siting, Processes.Probe(_temp.File("out.y4m"), "chroma_location"));
        }
        Assert.Equal("320", Processes.Probe(_temp.File("out.mkv"), "width"));
        Assert.Equal("180", Processes.Probe(_temp.File("out.mkv"), "height"));
        Assert.Equal(4, FrameCount("out.mkv"));
        Assert.Contains("seranet filter: 4 frames", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void X264_reads_the_filters_stream()
    {
        var result = Shell($"{Producer("yuv420p")} | $SERANET | x264 --demuxer y4m --preset ultrafast -o out.264 - 2>&1");

        Succeeded(result);
        Assert.Contains("320x180p 4:3 @ 30000/1001 fps", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("encoded 4 frames", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void X265_reads_ten_bits_from_the_filter()
    {
        var result = Shell($"{Producer("yuv420p10le")} | $SERANET | x265 --y4m --input - --preset ultrafast -o out.265 2>&1");

        Succeeded(result);
        Assert.Contains("320x180 fps 30000/1001 i420p10 sar 4:3", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("encoded 4 frames", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void SvtAv1EncApp_reads_ten_bits_from_the_filter()
    {
        var result = Shell($"{Producer("yuv420p10le")} | $SERANET | SvtAv1EncApp --preset 12 -i stdin -b out.ivf 2>&1");

        Succeeded(result);
        Assert.Matches(@"bit-depth / color format\s*:\s*10 / YUV420", result.Stdout);
        Assert.Equal("320", Processes.Probe(_temp.File("out.ivf"), "width"));
        Assert.Equal("180", Processes.Probe(_temp.File("out.ivf"), "height"));
        Assert.Equal(4, FrameCount("out.ivf"));
    }

    /// <summary>
    /// mpv reports the size, format and display size (the 4:3 sample aspect applied) it shows, not
    /// a frame count; the other hosts count.
    /// </summary>
    [Fact]
    public void Mpv_plays_the_filters_stream()
    {
        var result = Shell($"{Producer("yuv420p10le")} | $SERANET | mpv --no-config --vo=null --ao=null --untimed - 2>&1");

        Succeeded(result);
        Assert.Contains("VO: [null] 320x180 => 426x180 yuv420p10", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("(End of file)", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// A 1000-wide clip makes ffmpeg write an 86-byte header; the filter's must stay within the 80
    /// bytes GStreamer 1.22's y4mdec parses (it fails on more, and then hangs: hence the timeout).
    /// </summary>
    [Fact]
    public void Gstreamer_reads_the_filters_stream_where_ffmpegs_header_is_too_long_for_it()
    {
        var result = Shell($"{Producer("yuv420p", 3, "1000x10", "-color_range tv -chroma_sample_location left")} | tee in.y4m | $SERANET | tee out.y4m "
            + "| timeout 60 gst-launch-1.0 -q fdsrc fd=0 ! y4mdec ! y4menc ! filesink location=gst.y4m");

        Succeeded(result);
        Assert.True(Header("in.y4m").Length + 1 > 80, "the producer's header is short enough anyway: " + Header("in.y4m"));
        Assert.Equal("YUV4MPEG2 W2000 H20 F30000:1001 Ip A4:3 C420mpeg2 XCOLORRANGE=LIMITED", Header("out.y4m"));
        Assert.Equal("2000", Processes.Probe(_temp.File("gst.y4m"), "width"));
        Assert.Equal("20", Processes.Probe(_temp.File("gst.y4m"), "height"));
        Assert.Equal(3, FrameCount("gst.y4m"));
    }

    [Fact]
    public void Interlaced_input_is_refused_clearly()
    {
        var result = Shell($"{Producer("yuv420p", extra: "-field_order tt")} | $SERANET > out.y4m");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: The y4m stream is interlaced (It)", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_stream_is_an_error_that_names_the_frame()
    {
        // The header line, two whole frames (FRAME and 21600 bytes each) and 10000 bytes of the third.
        var result = Shell($"{Producer("yuv420p")} > in.y4m && head -c $(( $(head -n 1 in.y4m | wc -c) + 2 * 21606 + 6 + 10000 )) in.y4m | $SERANET > out.y4m");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: The y4m stream ended inside frame 2: 10000 of 21600 bytes.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_consumer_that_stops_reading_ends_the_filter_quietly()
    {
        var result = Shell($"{Producer("yuv420p", 30)} | $SERANET 2>filter.log | head -c 1000 > /dev/null; echo \"filter exit ${{PIPESTATUS[1]}}\"; cat filter.log");

        Assert.Contains("filter exit 0", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("(the reader closed the pipe)", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("printf 'not a y4m stream' | $SERANET", "error: stdin is not a YUV4MPEG2 stream; for raw RGB frames give --size WIDTHxHEIGHT")]
    [InlineData("printf 'YUV4MPEG2 W16 H16\\n' | $SERANET --size 16x16", "error: stdin is a YUV4MPEG2 stream, which carries its own size and format; drop --size")]
    public void The_input_decides_the_mode_and_a_mismatch_is_a_usage_error(string script, string message)
    {
        var result = Shell(script + " > out.raw");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Against <c>seranet upscale --codec ffv1</c> on the same frames: for a Y model both give the
    /// network the luma as it is and resample chroma with its siting, so every frame is equal, hash
    /// included (framemd5 of all planes). A gray source is encoded as 4:2:0 by upscale (neutral
    /// chroma added), so there the luma planes are compared.
    /// </summary>
    [Theory]
    [InlineData("yuv420p", "", false)]
    [InlineData("yuv422p", "", false)]
    [InlineData("yuv444p", "", false)]
    [InlineData("yuv420p10le", "", false)]
    [InlineData("yuv422p10le", "", false)]
    [InlineData("gray", "-color_range pc", true)]
    public void Pixels_match_seranet_upscale_on_the_same_frames(string pixelFormat, string extra, bool lumaOnly)
    {
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "baboon.png");
        Processes.Ffmpeg(["-loop", "1", "-i", photo, "-vf", "scale=160:90", "-frames:v", "3", "-pix_fmt", pixelFormat,
            .. extra.Split(' ', StringSplitOptions.RemoveEmptyEntries), "-strict", "-1", "-f", "yuv4mpegpipe", _temp.File("in.y4m")]);
        Processes.Ffmpeg("-i", _temp.File("in.y4m"), "-c:v", "ffv1", _temp.File("in.mkv"));

        Succeeded(Shell("$SERANET < in.y4m > filtered.y4m"));
        Succeeded(Processes.Seranet("upscale", _temp.File("in.mkv"), "-o", _temp.File("upscaled.mkv"), "--codec", "ffv1", "-m", Model));

        string[] filtered = FrameMd5("filtered.y4m", lumaOnly);
        string[] upscaled = FrameMd5("upscaled.mkv", lumaOnly);
        Assert.Equal(3, filtered.Length);
        Assert.Equal(filtered, upscaled);
        Assert.Equal(lumaOnly ? "yuv420p" : pixelFormat, Processes.Probe(_temp.File("upscaled.mkv"), "pix_fmt"));
    }

    /// <summary>ffmpeg's framemd5 lines (stream, dts, pts, duration, size, hash) of every plane, or of the luma plane alone.</summary>
    private string[] FrameMd5(string file, bool lumaOnly)
    {
        string[] filter = lumaOnly ? ["-vf", "extractplanes=y"] : [];
        var result = Processes.Run("ffmpeg", ["-nostdin", "-v", "error", "-i", _temp.File(file), .. filter, "-f", "framemd5", "-"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return [.. result.Stdout.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }
}
