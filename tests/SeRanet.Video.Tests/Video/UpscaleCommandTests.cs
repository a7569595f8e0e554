using System.Diagnostics;
using System.Text.Json;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Video;

/// <summary><c>seranet upscale</c> end to end on tiny lavfi clips, checked with ffprobe.</summary>
[Trait("Category", "Integration")]
public class UpscaleCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void Succeeded(Processes.Result result) =>
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");

    private static (int Width, int Height) SizeOf(string file) =>
        (int.Parse(Processes.Probe(file, "width"), System.Globalization.CultureInfo.InvariantCulture),
         int.Parse(Processes.Probe(file, "height"), System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Doubles_the_size_and_keeps_frames_duration_audio_and_subtitles()
    {
        string input = VideoClips.WithAudioAndSubtitles(_temp);
        string output = _temp.File("out.mkv");

        var result = Processes.Seranet("upscale", input, "-o", output, "--json");

        Succeeded(result);
        Assert.Equal((VideoClips.Width * 2, VideoClips.Height * 2), SizeOf(output));
        Assert.Equal(VideoClips.FrameCount(input), VideoClips.FrameCount(output));
        Assert.Equal(VideoClips.FrameTimes(input), VideoClips.FrameTimes(output));
        Assert.InRange(VideoClips.Duration(output), VideoClips.Duration(input) - 0.04, VideoClips.Duration(input) + 0.04);
        Assert.Equal(VideoClips.PacketHash(input, "a"), VideoClips.PacketHash(output, "a"));
        Assert.Equal(VideoClips.PacketHash(input, "s"), VideoClips.PacketHash(output, "s"));
        using var report = JsonDocument.Parse(result.Stdout);
        Assert.Equal(10, report.RootElement.GetProperty("frames").GetInt32());
        Assert.Equal("torch", report.RootElement.GetProperty("backend").GetString());
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Theory]
    [InlineData("truncated", "not a readable video file")]
    [InlineData("audio-only", "no video stream")]
    [InlineData("text", "not a readable video file")]
    public void Unreadable_inputs_fail_clearly_and_write_nothing(string kind, string message)
    {
        string input;
        switch (kind)
        {
            case "truncated":
                string whole = VideoClips.Plain(_temp, "whole.mp4", 10);
                byte[] bytes = File.ReadAllBytes(whole);
                input = _temp.File("truncated.mp4");
                File.WriteAllBytes(input, bytes[..(bytes.Length / 2)]);
                break;
            case "audio-only":
                input = _temp.File("sound.m4a");
                Processes.Ffmpeg("-f", "lavfi", "-i", "sine=f=440", "-t", "0.5", "-c:a", "aac", input);
                break;
            default:
                input = _temp.File("notes.mp4");
                File.WriteAllText(input, "this is not a video");
                break;
        }
        string output = _temp.File("out.mp4");

        var result = Processes.Seranet("upscale", input, "-o", output);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Fact]
    public void A_model_that_fails_to_load_after_the_encoder_started_leaves_no_file()
    {
        // The encoder starts before the model has loaded, so a bad model file must fail the
        // encoder's input, not end it (which would publish an empty video).
        string input = VideoClips.Plain(_temp, "in.mp4", 10);
        string model = _temp.File("truncated.srnv");
        File.WriteAllBytes(model, File.ReadAllBytes(Path.Combine(RepoPaths.Root, "models", "seranet-fast.srnv"))[..3000]);
        string output = _temp.File("out.mp4");

        var result = Processes.Seranet("upscale", input, "-o", output, "--model", model);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("truncated", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Fact]
    public void An_encoder_failure_surfaces_ffmpegs_message_and_leaves_no_file()
    {
        string input = VideoClips.Plain(_temp, "in.mp4", 3);
        string output = _temp.File("out.mp4");

        var result = Processes.Seranet("upscale", input, "-o", output, "--ffmpeg-arg=-no-such-option", "--ffmpeg-arg", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-option", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Fact]
    public void Refuses_to_overwrite_the_input_or_an_existing_output()
    {
        string input = VideoClips.Plain(_temp, "in.mp4", 2);
        string existing = _temp.File("exists.mp4");
        File.WriteAllText(existing, "keep me");
        long inputLength = new FileInfo(input).Length;

        var intoItself = Processes.Seranet("upscale", input, "-o", input, "--overwrite");
        var intoExisting = Processes.Seranet("upscale", input, "-o", existing);

        Assert.Equal(1, intoItself.ExitCode);
        Assert.Equal(inputLength, new FileInfo(input).Length);
        Assert.Equal(1, intoExisting.ExitCode);
        Assert.Contains("--overwrite", intoExisting.Stderr, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    // Ctrl-C, a kill, and a closed terminal all stop the run cleanly.
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("HUP")]
    public void Interrupting_midway_leaves_no_file_under_the_output_name(string signal)
    {
        // 320x180: the model, not start-up, takes the time, so the run is still going when the signal comes;
        // 4 s, one segment, so the output's hidden partial file appears as soon as encoding starts.
        string input = VideoClips.Plain(_temp, "long.mp4", 100, "320x180");
        string output = _temp.File("out.mp4");
        var info = DefaultSignals.StartInfo("dotnet");
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        foreach (string argument in new[] { RepoPaths.CliDll, "upscale", input, "-o", output })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (Directory.GetFiles(_temp.Path, "*.partial*").Length == 0 && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(100);
        }
        Assert.False(process.HasExited, "the run ended before it could be interrupted");

        using (var interrupt = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            interrupt.WaitForExit();
        }
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"the run did not stop after SIG{signal}");

        Assert.Equal(130, process.ExitCode);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Fact]
    public async Task A_relative_input_name_that_starts_with_a_dash_is_read_after_a_double_dash()
    {
        VideoClips.Plain(_temp, "-in.mp4", 2);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = _temp.Path };
        foreach (string argument in new[] { RepoPaths.CliDll, "upscale", "-o", "-out.mkv", "--", "-in.mp4" })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)));

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal("128", Processes.Probe(_temp.File("-out.mkv"), "width"));
    }
}
