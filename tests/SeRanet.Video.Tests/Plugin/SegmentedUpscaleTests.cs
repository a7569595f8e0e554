using System.Diagnostics;
using System.Globalization;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Video;
using SeRanet.Video.Plugin.Video.Segments;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Tests.Video;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Plugin;

/// <summary>
/// Long videos done in segments: resuming after a kill -9, shards joined into what one run makes,
/// frame times and audio packets kept through the join, settings changes starting again.
/// </summary>
[Trait("Category", "Integration")]
public class SegmentedUpscaleTests : IDisposable
{
    /// <summary>Segments of 16 frames at 25 fps (the shortest there are): the clips below have several without being slow.</summary>
    private const double SegmentSeconds = 0.64;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static VideoUpscaleRequest Request(string input, string output, ShardChoice? shard = null, int? crf = null, bool joinOnly = false) => new()
    {
        Input = input,
        Output = output,
        Model = new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions()),
        Encoder = new EncoderOptions { Crf = crf },
        SegmentSeconds = SegmentSeconds,
        Shard = shard,
        JoinOnly = joinOnly,
    };

    /// <summary>testsrc2 with a sine track (FLAC), in Matroska.</summary>
    private string ClipWithAudio(string name, int frames, string extraVideoFilter = "")
    {
        string clip = _temp.File(name);
        Processes.Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size=64x48:rate=25{extraVideoFilter}", "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000",
            "-map", "0", "-map", "1", "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-t", VideoClips.Seconds(frames / 25.0),
            "-fps_mode", "passthrough", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "flac", clip);
        return clip;
    }

    /// <summary>The decoded frames of the video, one MD5 per frame with its time (ffmpeg's framemd5).</summary>
    private static string VideoFrameMd5(string file)
    {
        var result = Processes.Run("ffmpeg", "-nostdin", "-v", "error", "-i", file, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "framemd5", "-");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return string.Join('\n', result.Stdout.Split('\n').Where(line => !line.StartsWith('#')));
    }

    /// <summary>An MD5 over the audio packets as stored, not decoded.</summary>
    private static string AudioPacketMd5(string file)
    {
        var result = Processes.Run("ffmpeg", "-nostdin", "-v", "error", "-i", file, "-map", "0:a", "-c", "copy", "-f", "md5", "-");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Trim();
    }

    private static string WorkFolderOf(string output) => WorkFolder.Beside(output).FolderPath;

    [Fact]
    public async Task Frame_times_and_audio_packets_come_through_the_join_unchanged()
    {
        string input = ClipWithAudio("in.mkv", 80);
        string output = _temp.File("out.mkv");

        var result = await VideoUpscaler.RunAsync(Request(input, output), null, CancellationToken.None);

        Assert.NotNull(result.Segments);
        Assert.Equal(5, result.Segments.Total);
        Assert.Equal(5, result.Segments.Encoded);
        Assert.True(result.Segments.Joined);
        Assert.Equal(VideoClips.FrameTimes(input), VideoClips.FrameTimes(output));
        Assert.Equal(AudioPacketMd5(input), AudioPacketMd5(output));
        Assert.Equal("128", Processes.Probe(output, "width"));
        Assert.False(Directory.Exists(WorkFolderOf(output)), "the work folder is removed after the join");
    }

    [Theory]
    [InlineData("out.mp4")]
    [InlineData("out.mov")]
    public async Task A_joined_mp4_or_mov_keeps_every_frame_time_and_the_last_frame_s_duration(string name)
    {
        string input = VideoClips.Plain(_temp, "plain.mp4", 35);
        string output = _temp.File(name);

        var result = await VideoUpscaler.RunAsync(Request(input, output), null, CancellationToken.None);

        Assert.True(result.Segments?.Joined);
        Assert.Equal(VideoClips.FrameTimes(input), VideoClips.FrameTimes(output));
        Assert.Equal(35 / 25.0, double.Parse(Processes.Probe(output, "duration"), CultureInfo.InvariantCulture), 3);
    }

    [Fact]
    public async Task Variable_frame_rate_times_are_kept()
    {
        // Gaps of one, two and three frame steps in turn.
        string input = ClipWithAudio("vfr.mkv", 120, ",setpts='(N+floor(N/3)+floor(N/5))/(25*TB)'");
        string output = _temp.File("vfr-2x.mkv");

        var result = await VideoUpscaler.RunAsync(Request(input, output), null, CancellationToken.None);

        Assert.True(result.Segments?.Joined);
        var times = VideoClips.FrameTimes(input);
        Assert.True(times.Zip(times.Skip(1), (a, b) => Math.Round(b - a, 3)).Distinct().Count() > 1, "the clip is not VFR");
        Assert.Equal(times, VideoClips.FrameTimes(output));
    }

    [Fact]
    public async Task A_video_under_two_segments_is_done_in_one_pass_as_before()
    {
        string input = ClipWithAudio("short.mkv", 12);
        string output = _temp.File("short-2x.mkv");

        var result = await VideoUpscaler.RunAsync(Request(input, output), null, CancellationToken.None);

        Assert.Null(result.Segments);
        Assert.Equal(12, VideoClips.FrameCount(output));
        Assert.False(Directory.Exists(WorkFolderOf(output)));
    }

    [Fact]
    public async Task Two_shards_then_the_join_equal_one_run()
    {
        string input = ClipWithAudio("in.mkv", 80);
        string single = _temp.File("single.mkv");
        string sharded = _temp.File("sharded.mkv");
        await VideoUpscaler.RunAsync(Request(input, single), null, CancellationToken.None);

        var second = await VideoUpscaler.RunAsync(Request(input, sharded, new ShardChoice(1, 2)), null, CancellationToken.None);
        Assert.False(second.Segments!.Joined);
        Assert.Equal(2, second.Segments.Encoded);
        Assert.False(File.Exists(sharded), "a shard that is not last leaves the join to another");
        var first = await VideoUpscaler.RunAsync(Request(input, sharded, new ShardChoice(0, 2)), null, CancellationToken.None);

        Assert.Equal(3, first.Segments!.Encoded);
        Assert.True(first.Segments.Joined);
        Assert.Equal(VideoFrameMd5(single), VideoFrameMd5(sharded));
        Assert.Equal(AudioPacketMd5(input), AudioPacketMd5(sharded));
        Assert.False(Directory.Exists(WorkFolderOf(sharded)));
    }

    [Fact]
    public async Task A_join_with_chunks_missing_fails_and_says_how_many()
    {
        string input = ClipWithAudio("in.mkv", 64);
        string output = _temp.File("out.mkv");
        await VideoUpscaler.RunAsync(Request(input, output, new ShardChoice(0, 2)), null, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => VideoUpscaler.RunAsync(Request(input, output, joinOnly: true), null, CancellationToken.None));

        Assert.Contains("2 of 4 segments are not finished", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Other_settings_start_again_and_say_which()
    {
        string input = ClipWithAudio("in.mkv", 64);
        string output = _temp.File("out.mkv");
        await VideoUpscaler.RunAsync(Request(input, output, new ShardChoice(0, 2), crf: 18), null, CancellationToken.None);
        var same = await VideoUpscaler.RunAsync(Request(input, output, new ShardChoice(0, 2), crf: 18), null, CancellationToken.None);
        Assert.Equal((0, 2), (same.Segments!.Encoded, same.Segments.Skipped));

        var notes = new VideoNotes();
        var changed = await VideoUpscaler.RunAsync(Request(input, output, new ShardChoice(0, 2), crf: 30), notes, CancellationToken.None);

        Assert.Equal((2, 0), (changed.Segments!.Encoded, changed.Segments.Skipped));
        Assert.Equal(["crf"], changed.Segments.RestartedBecause);
        Assert.True(notes.Warned("other settings (crf)"));
    }

    [Fact]
    public async Task A_damaged_chunk_is_made_again()
    {
        string input = ClipWithAudio("in.mkv", 64);
        string output = _temp.File("out.mkv");
        await VideoUpscaler.RunAsync(Request(input, output, new ShardChoice(0, 2)), null, CancellationToken.None);
        string chunk = Path.Combine(WorkFolderOf(output), "chunk-00001.nut");
        byte[] bytes = File.ReadAllBytes(chunk);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(chunk, bytes);

        var again = await VideoUpscaler.RunAsync(Request(input, output, new ShardChoice(0, 2)), null, CancellationToken.None);

        Assert.Equal((1, 1), (again.Segments!.Encoded, again.Segments.Skipped));
    }

    /// <summary>The acceptance test: kill -9 at a random moment after a chunk is done, rerun, and get what an uninterrupted run gets.</summary>
    [Fact]
    public void A_run_killed_with_sigkill_resumes_and_equals_an_uninterrupted_run()
    {
        string input = ClipWithAudio("in.mkv", 160);
        string uninterrupted = _temp.File("whole.mkv");
        string resumed = _temp.File("resumed.mkv");
        string seconds = SegmentSeconds.ToString(CultureInfo.InvariantCulture);
        var whole = Processes.Seranet("upscale", input, "-o", uninterrupted, "--segment-seconds", seconds);
        Assert.True(whole.ExitCode == 0, whole.Stderr);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { RepoPaths.CliDll, "upscale", input, "-o", resumed, "--segment-seconds", seconds })
        {
            info.ArgumentList.Add(argument);
        }
        string work = WorkFolderOf(resumed);
        int chunksBeforeKill = Random.Shared.Next(1, 6);
        using (var process = Process.Start(info)!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while ((!Directory.Exists(work) || Directory.GetFiles(work, "chunk-*.json").Length < chunksBeforeKill) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                Thread.Sleep(20);
            }
            Thread.Sleep(Random.Shared.Next(0, 400));
            Assert.False(process.HasExited, "the run ended before it could be killed");
            process.Kill();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
        }
        Assert.False(File.Exists(resumed));
        int recorded = Directory.GetFiles(work, "chunk-*.json").Length;
        Assert.InRange(recorded, 1, 9);

        var rerun = Processes.Seranet("upscale", input, "-o", resumed, "--segment-seconds", seconds, "--json");

        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(rerun.Stdout);
        var segments = report.RootElement.GetProperty("segments");
        Assert.Equal(10, segments.GetProperty("total").GetInt32());
        Assert.Equal(recorded, segments.GetProperty("skipped").GetInt32());
        Assert.Equal(10 - recorded, segments.GetProperty("encoded").GetInt32());
        Assert.Equal(VideoFrameMd5(uninterrupted), VideoFrameMd5(resumed));
        Assert.Equal(AudioPacketMd5(input), AudioPacketMd5(resumed));
        Assert.Equal(VideoClips.FrameTimes(input), VideoClips.FrameTimes(resumed));
        Assert.False(Directory.Exists(work));
    }
}
