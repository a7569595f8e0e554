using System.Diagnostics;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Video;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Tests.Video;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Plugin;

/// <summary>
/// Inputs and names a new user's files really have, each of which once failed: RGB video, a name
/// that starts with a dash, an output name near the file-name limit, and what killed runs leave.
/// </summary>
[Trait("Category", "Integration")]
public class UnusualInputTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<VideoUpscaleResult> UpscaleAsync(string input, string output, string codec = EncoderOptions.DefaultCodec) =>
        VideoUpscaler.RunAsync(new VideoUpscaleRequest
        {
            Input = input,
            Output = output,
            Model = new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions()),
            Encoder = new EncoderOptions { Codec = codec },
            FramesPerBatch = 4,
        }, null, CancellationToken.None);

    private static int FrameCount(string file) =>
        int.Parse(Processes.Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
            "-of", "csv=p=0", file).Stdout.Trim().TrimEnd(','), System.Globalization.CultureInfo.InvariantCulture);

    // RGB sources were always tagged "colorspace gbr" for YCbCr output, which every encoder refused.
    [Theory]
    [InlineData("png", "rgb24", "mkv", "libx264")]
    [InlineData("ffv1", "bgr0", "mkv", "ffv1")]
    [InlineData("ffv1", "bgr0", "mp4", "libx265")]
    public async Task Rgb_video_is_upscaled(string sourceCodec, string sourceFormat, string container, string codec)
    {
        string input = _temp.File($"rgb-{sourceCodec}.mkv");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "3", "-c:v", sourceCodec, "-pix_fmt", sourceFormat, input);
        string output = _temp.File($"rgb-{sourceCodec}-2x.{container}");

        await UpscaleAsync(input, output, codec);

        Assert.Equal("128", Processes.Probe(output, "width"));
        Assert.Equal(3, FrameCount(output));
        // Tagged with the matrix the conversion used, so players decode it with the same one.
        Assert.Equal("smpte170m", Processes.Probe(output, "color_space"));
        var source = VideoClips.MeanLuma(_temp, input);
        var upscaled = VideoClips.MeanLuma(_temp, output);
        Assert.InRange(upscaled[0], source[0] - 3, source[0] + 3);
    }

    [Fact]
    public void Ffmpeg_and_ffprobe_are_given_file_names_they_cannot_take_for_options_or_protocols()
    {
        Assert.Equal("file:" + Path.GetFullPath("-in.mp4"), SeRanet.Video.Decoder.Video.VideoProbe.StreamArguments("-in.mp4")[^1]);
        Assert.Equal("file:" + Path.GetFullPath("clip:1.mp4"), SeRanet.Video.Decoder.Video.VideoProbe.PacketArguments("clip:1.mp4")[^1]);
    }

    [Fact]
    public async Task An_output_name_near_the_file_name_limit_works()
    {
        string input = VideoClips.Plain(_temp, "in.mp4", 2);
        // 251 bytes + ".mp4" = 255, the limit; the temporary name must stay within it too.
        string output = _temp.File(new string('é', 125) + "x.mp4");

        await UpscaleAsync(input, output);

        Assert.Equal(2, FrameCount(output));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Fact]
    public void A_later_run_removes_what_killed_runs_left_but_not_a_running_ones_file()
    {
        string output = _temp.File("film.mp4");
        int gone = DeadProcessId();
        string abandoned = _temp.File($".film.{gone}-0badf00d.partial.mp4");
        string running = _temp.File($".film.{Environment.ProcessId}-12345678.partial.mp4");
        string otherOutput = _temp.File($".film2.{gone}-0badf00d.partial.mp4");
        foreach (string file in new[] { abandoned, running, otherOutput })
        {
            File.WriteAllText(file, "half a file");
        }

        PartialFile.RemoveAbandoned(output);

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(running));
        Assert.True(File.Exists(otherOutput));
        string fresh = PartialFile.Beside(output);
        Assert.StartsWith(_temp.File(".film."), fresh, StringComparison.Ordinal);
        Assert.EndsWith(".partial.mp4", fresh, StringComparison.Ordinal);
    }

    /// <summary>The id of a process that has just ended, so no process has it now (ids are reused only after wrapping).</summary>
    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    // A 25 fps MJPEG .mov with full-range 4:2:2 and MP2 audio once came out a frame short in MP4
    // and MOV: the last frame had no duration, and the muxer's edit list cut it.
    [Theory]
    [InlineData("mov")]
    [InlineData("mp4")]
    [InlineData("mkv")]
    public async Task The_last_frame_is_kept_with_its_duration(string container)
    {
        string input = _temp.File("camera.mov");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "sine", "-frames:v", "3", "-t", "0.12",
            "-c:v", "mjpeg", "-pix_fmt", "yuvj422p", "-c:a", "mp2", input);
        string output = _temp.File($"camera-2x.{container}");

        await UpscaleAsync(input, output);

        Assert.Equal(3, FrameCount(output));
        var times = VideoClips.FrameTimes(output);
        Assert.Equal(0.08, times[^1] - times[0], 3);
        if (container == "mkv")
        {
            return; // Matroska states no per-stream duration of its own
        }
        string duration = Processes.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=duration:format=duration",
            "-of", "csv=p=0", output).Stdout;
        Assert.Contains("0.12", duration, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mp4")]
    [InlineData("mkv")]
    public async Task A_full_disk_is_an_error_and_leaves_no_file(string container)
    {
        string input = _temp.File("detailed.mp4");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "60", "-c:v", "libx264", "-crf", "10", input);
        using var small = SmallDisk.Mount(_temp.File("small"), "48k");
        string output = Path.Combine(small.Path, $"out.{container}");

        // Either ffmpeg notices (exit 1) or the read-back does (ffmpeg 5.1 can exit 0 with a truncated file).
        var error = await Assert.ThrowsAnyAsync<Exception>(() => UpscaleAsync(input, output));

        Assert.Matches("is the disk full\\?|No space left on device", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(small.Path));
    }

    [Fact]
    public async Task An_interlaced_source_is_deinterlaced_with_a_warning_and_keeps_its_frames()
    {
        string input = _temp.File("interlaced.mkv");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "4", "-c:v", "libx264", "-flags", "+ildct+ilme",
            "-x264opts", "interlaced=1:tff=1", "-field_order", "tt", input);
        Assert.Equal("tt", Processes.Probe(input, "field_order"));
        string output = _temp.File("interlaced-2x.mkv");
        var notes = new VideoNotes();

        await VideoUpscaler.RunAsync(new VideoUpscaleRequest
        {
            Input = input,
            Output = output,
            Model = new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions()),
            Encoder = new EncoderOptions(),
            FramesPerBatch = 4,
        }, notes, CancellationToken.None);

        Assert.True(notes.Warned("interlaced (tt)"));
        Assert.Equal(4, FrameCount(output));
        Assert.Equal("progressive", Processes.Probe(output, "field_order"));
    }

    [Fact]
    public async Task A_fifo_or_standard_input_is_refused_at_once_instead_of_hanging()
    {
        string fifo = _temp.File("pipe.mp4");
        Assert.Equal(0, Processes.Run("mkfifo", fifo).ExitCode);

        var run = UpscaleAsync(fifo, _temp.File("out.mp4"));
        var first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(run, first);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => run);
        Assert.Contains("not a regular file", error.Message, StringComparison.Ordinal);
        var stdin = await Assert.ThrowsAsync<ArgumentException>(() => UpscaleAsync("-", _temp.File("out2.mp4")));
        Assert.Contains("standard input", stdin.Message, StringComparison.Ordinal);
    }

    // WebM once dropped the only audio track without a word; MP4 dropped SubRip subtitles.
    [Theory]
    [InlineData("webm", "libvpx-vp9", "video,audio,subtitle", "opus", "webvtt")]
    [InlineData("mp4", "libx264", "video,audio,subtitle", "aac", "mov_text")]
    public async Task Audio_and_text_subtitles_the_container_cannot_hold_are_converted_not_lost(string container, string codec, string kinds, string audio, string subtitle)
    {
        string input = _temp.File("aac.mkv");
        string srt = _temp.File("subs.srt");
        File.WriteAllText(srt, "1\n00:00:00,000 --> 00:00:00,100\nHello\n\n");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "sine", "-i", srt, "-map", "0", "-map", "1", "-map", "2",
            "-frames:v", "3", "-t", "0.12", "-c:v", "libx264", "-c:a", "pcm_s16le", "-c:s", "srt", input);
        string output = _temp.File($"out.{container}");

        var result = await UpscaleAsync(input, output, codec);

        Assert.Equal(kinds, Processes.Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", output).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Aggregate((a, b) => a + "," + b));
        Assert.Equal(audio, Processes.Probe(output, "codec_name", "a:0"));
        Assert.Equal(subtitle, Processes.Probe(output, "codec_name", "s:0"));
        Assert.Equal(2, result.ConvertedStreams.Count);
    }

    [Fact]
    public async Task A_second_video_stream_stops_the_job_unless_dropping_it_is_allowed()
    {
        string input = _temp.File("two-videos.mkv");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "testsrc=size=32x24:rate=25", "-map", "0", "-map", "1",
            "-frames:v", "2", "-c:v", "libx264", input);
        string output = _temp.File("out.mkv");

        var error = await Assert.ThrowsAsync<StreamsNotCarriedException>(() => UpscaleAsync(input, output));

        Assert.Contains("stream 1 (video h264)", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    /// <summary>A tmpfs of a few hundred kilobytes, as root or through sudo (the test script installs packages the same way).</summary>
    private sealed class SmallDisk : IDisposable
    {
        private SmallDisk(string path) => Path = path;

        public string Path { get; }

        public static SmallDisk Mount(string path, string size)
        {
            Directory.CreateDirectory(path);
            bool root = Environment.UserName == "root";
            var result = root ? Processes.Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path)
                              : Processes.Run("sudo", "-n", "mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
            Assert.True(result.ExitCode == 0, $"mounting a small tmpfs needs root or passwordless sudo: {result.Stderr}");
            return new SmallDisk(path);
        }

        public void Dispose()
        {
            if (Environment.UserName == "root")
            {
                Processes.Run("umount", Path);
            }
            else
            {
                Processes.Run("sudo", "-n", "umount", Path);
            }
        }
    }
}
