using System.Diagnostics;
using System.Globalization;
using SeRanet.Video.Tests.Support;
using Xunit.Abstractions;

namespace SeRanet.Video.Tests.Faults;

/// <summary>
/// Bad and unusual inputs and faults a new user meets, each run through the real <c>seranet upscale</c>
/// on a tiny lavfi clip in its own folder. Every case ends in either a correct output (twice the size,
/// every frame) or one clear <c>error:</c> line with a non-zero exit and no file under the final name;
/// and in both, nothing hidden left beside the output (temporary file, lock, work folder), no ffmpeg
/// still running on the case's files, and no hang. Run it alone with
/// <c>dotnet test tests/SeRanet.Video.Tests -c Release --filter FullyQualifiedName~FaultCorpus</c>.
/// </summary>
[Trait("Category", "Integration")]
public class FaultCorpusTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(3);

    private readonly TempFolder _temp = new();
    private readonly ITestOutputHelper _log;

    public FaultCorpusTests(ITestOutputHelper log) => _log = log;

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Cases => new(
        "missing-input", "directory-input", "empty-file", "random-bytes", "text-named-mp4", "truncated-mp4-without-moov",
        "truncated-mkv-mid-cluster", "corrupt-bytes-in-the-middle", "truncated-with-strict", "audio-only", "image-given-to-upscale",
        "output-is-the-input", "read-only-output-folder", "output-folder-missing", "unsupported-output-extension", "existing-output-without-overwrite",
        "disk-full", "sigint-in-a-segmented-run-then-resume", "sigterm-midway-then-rerun", "sigkill-midway-then-rerun", "two-runs-to-one-output",
        "alpha-yuva420p-in-mkv", "alpha-png-in-mkv", "yuv444p", "gray", "ten-bit", "rotated-display-matrix", "anamorphic-sar-4-3", "interlaced",
        "hdr-tags", "two-video-streams", "two-video-streams-dropped-as-asked", "cover-art", "subtitles-kept", "chapters-kept", "variable-frame-rate",
        "one-frame", "odd-dimensions", "eight-by-eight", "zero-duration-audio", "name-starting-with-dash", "name-with-spaces-and-unicode",
        "fifo-input", "bad-model-path", "bad-scale", "bad-codec", "mid-stream-size-change");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case(string name)
    {
        var c = new CaseFolder(Path.Combine(_temp.Path, name));
        switch (name)
        {
            case "missing-input":
                Fails(c, Upscale(c, c.File("nothing-here.mp4"), "out.mp4"), "No such file");
                break;
            case "directory-input":
                Directory.CreateDirectory(c.File("folder.mp4"));
                Fails(c, Upscale(c, c.File("folder.mp4"), "out.mp4"), "No such file");
                break;
            case "empty-file":
                File.WriteAllBytes(c.File("empty.mp4"), []);
                Fails(c, Upscale(c, c.File("empty.mp4"), "out.mp4"), "is empty or not a regular file");
                break;
            case "random-bytes":
                File.WriteAllBytes(c.File("noise.mp4"), Enumerable.Range(0, 65536).Select(i => (byte)(i * 2654435761 >> 13)).ToArray());
                Fails(c, Upscale(c, c.File("noise.mp4"), "out.mp4"), "not a readable video file");
                break;
            case "text-named-mp4":
                File.WriteAllText(c.File("notes.mp4"), "meeting notes, not a video\n");
                Fails(c, Upscale(c, c.File("notes.mp4"), "out.mp4"), "not a readable video file");
                break;
            case "truncated-mp4-without-moov":
                Cut(Clip(c, "whole.mp4", 50), c.File("cut.mp4"), 0.5);
                Fails(c, Upscale(c, c.File("cut.mp4"), "out.mp4"), "not a readable video file");
                break;
            case "truncated-mkv-mid-cluster":
                Cut(Clip(c, "whole.mkv", 50, "-g", "5", "-crf", "10"), c.File("cut.mkv"), 0.5);
                SucceedsShorter(c, Upscale(c, c.File("cut.mkv"), "out.mkv"), "out.mkv", 50);
                break;
            case "corrupt-bytes-in-the-middle":
                Corrupt(Clip(c, "whole.mkv", 50, "-g", "5", "-crf", "10"), c.File("damaged.mkv"));
                SucceedsShorter(c, Upscale(c, c.File("damaged.mkv"), "out.mkv"), "out.mkv", 50);
                break;
            case "truncated-with-strict":
                Cut(Clip(c, "whole.mkv", 50, "-g", "5", "-crf", "10"), c.File("cut.mkv"), 0.5);
                Fails(c, Upscale(c, c.File("cut.mkv"), "out.mkv", "--strict"), "of 50 frames; the file is truncated or damaged");
                break;
            case "audio-only":
                Ffmpeg("-f", "lavfi", "-i", "sine=f=440", "-t", "0.5", "-c:a", "aac", c.File("sound.m4a"));
                Fails(c, Upscale(c, c.File("sound.m4a"), "out.mp4"), "no video stream");
                break;
            case "image-given-to-upscale":
                Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", c.File("picture.png"));
                Succeeds(c, Upscale(c, c.File("picture.png"), "out.mp4"), "out.mp4", 128, 96, 1);
                break;
            case "output-is-the-input":
            {
                string input = Clip(c, "in.mp4", 3);
                long length = new FileInfo(input).Length;
                var result = Upscale(c, input, "in.mp4", "--overwrite");
                Assert.Equal(length, new FileInfo(input).Length);
                Fails(c, result, "is the input itself", output: null);
                break;
            }
            case "read-only-output-folder":
                ReadOnlyFolder(c);
                break;
            case "output-folder-missing":
                Fails(c, Upscale(c, Clip(c, "in.mp4", 3), Path.Combine("no-such-folder", "out.mp4")), "does not exist");
                break;
            case "unsupported-output-extension":
                Fails(c, Upscale(c, Clip(c, "in.mp4", 3), "out.xyz"), "no container for .xyz");
                break;
            case "existing-output-without-overwrite":
            {
                File.WriteAllText(c.File("out.mp4"), "keep me");
                var result = Upscale(c, Clip(c, "in.mp4", 3), "out.mp4");
                Assert.Equal("keep me", File.ReadAllText(c.File("out.mp4")));
                Fails(c, result, "pass --overwrite", output: null);
                break;
            }
            case "disk-full":
                DiskFull(c);
                break;
            case "sigint-in-a-segmented-run-then-resume":
                InterruptThenResume(c, "INT", segmented: true);
                break;
            case "sigterm-midway-then-rerun":
                InterruptThenResume(c, "TERM", segmented: false);
                break;
            case "sigkill-midway-then-rerun":
                InterruptThenResume(c, "KILL", segmented: true);
                break;
            case "two-runs-to-one-output":
                TwoRuns(c);
                break;
            case "alpha-yuva420p-in-mkv":
                Clip(c, "alpha.mkv", 3, "-vf", "format=yuva420p", "-c:v", "ffv1");
                Succeeds(c, Upscale(c, c.File("alpha.mkv"), "out.mkv"), "out.mkv", 128, 96, 3, warning: "alpha channel");
                break;
            case "alpha-png-in-mkv":
                Clip(c, "alpha.mkv", 3, "-vf", "format=rgba", "-c:v", "png");
                Succeeds(c, Upscale(c, c.File("alpha.mkv"), "out.mkv"), "out.mkv", 128, 96, 3, warning: "alpha channel");
                break;
            case "yuv444p":
                Clip(c, "in.mkv", 3, "-pix_fmt", "yuv444p");
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                Assert.Equal("yuv444p", Processes.Probe(c.File("out.mkv"), "pix_fmt"));
                break;
            case "gray":
                Clip(c, "in.mkv", 3, "-pix_fmt", "gray", "-c:v", "ffv1");
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                break;
            case "ten-bit":
                Clip(c, "in.mkv", 3, "-pix_fmt", "yuv420p10le");
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                Assert.Equal("yuv420p10le", Processes.Probe(c.File("out.mkv"), "pix_fmt"));
                break;
            case "rotated-display-matrix":
                // ffmpeg 5.1 attaches a rotation only when stream-copying.
                Ffmpeg("-i", Clip(c, "stored.mp4", 3), "-c", "copy", "-metadata:s:v:0", "rotate=90", c.File("rotated.mp4"));
                Succeeds(c, Upscale(c, c.File("rotated.mp4"), "out.mp4"), "out.mp4", 96, 128, 3);
                break;
            case "anamorphic-sar-4-3":
                Clip(c, "in.mkv", 3, "-vf", "setsar=4/3");
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                Assert.Equal("4:3", Processes.Probe(c.File("out.mkv"), "sample_aspect_ratio"));
                break;
            case "interlaced":
                Clip(c, "in.mkv", 4, "-flags", "+ildct+ilme", "-x264opts", "interlaced=1:tff=1", "-field_order", "tt");
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 4, warning: "interlaced");
                break;
            case "hdr-tags":
                Clip(c, "in.mkv", 3, "-pix_fmt", "yuv420p10le", "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc");
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                Assert.Equal("smpte2084", Processes.Probe(c.File("out.mkv"), "color_transfer"));
                Assert.Equal("bt2020", Processes.Probe(c.File("out.mkv"), "color_primaries"));
                break;
            case "two-video-streams":
                TwoVideoStreams(c);
                Fails(c, Upscale(c, c.File("two.mkv"), "out.mkv"), "--drop-unsupported");
                break;
            case "two-video-streams-dropped-as-asked":
                TwoVideoStreams(c);
                Succeeds(c, Upscale(c, c.File("two.mkv"), "out.mkv", "--drop-unsupported"), "out.mkv", 128, 96, 3);
                break;
            case "cover-art":
                Ffmpeg("-f", "lavfi", "-i", "testsrc=size=32x32", "-frames:v", "1", c.File("cover.png"));
                Ffmpeg("-i", Clip(c, "in.mp4", 3), "-i", c.File("cover.png"), "-map", "0", "-map", "1", "-c", "copy", "-disposition:v:1", "attached_pic", c.File("with-cover.mp4"));
                Succeeds(c, Upscale(c, c.File("with-cover.mp4"), "out.mp4"), "out.mp4", 128, 96, 3);
                Assert.Equal("1", Processes.Run("ffprobe", "-v", "error", "-select_streams", "v:1", "-show_entries", "stream_disposition=attached_pic",
                    "-of", "default=nw=1:nk=1", c.File("out.mp4")).Stdout.Trim());
                break;
            case "subtitles-kept":
                File.WriteAllText(c.File("subs.srt"), "1\n00:00:00,000 --> 00:00:00,100\nHello\n\n");
                Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-i", c.File("subs.srt"), "-map", "0", "-map", "1", "-frames:v", "3",
                    "-c:v", "libx264", "-c:s", "srt", c.File("in.mkv"));
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                Assert.Equal("subrip", Processes.Probe(c.File("out.mkv"), "codec_name", "s:0"));
                break;
            case "chapters-kept":
                File.WriteAllText(c.File("meta.txt"), ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=60\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=60\nEND=120\ntitle=Two\n");
                Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-i", c.File("meta.txt"), "-map", "0", "-map_chapters", "1", "-frames:v", "3",
                    "-c:v", "libx264", c.File("in.mkv"));
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                Assert.Equal(2, Processes.Run("ffprobe", "-v", "error", "-show_entries", "chapter=start_time", "-of", "csv=p=0", c.File("out.mkv")).Stdout
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
                break;
            case "variable-frame-rate":
                Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "6", "-vf", "settb=1/1000,setpts='(N*0.04+0.013*N*N)/TB'",
                    "-fps_mode", "passthrough", "-c:v", "libx264", c.File("vfr.mkv"));
                Succeeds(c, Upscale(c, c.File("vfr.mkv"), "out.mkv"), "out.mkv", 128, 96, 6);
                break;
            case "one-frame":
                Succeeds(c, Upscale(c, Clip(c, "in.mp4", 1), "out.mp4"), "out.mp4", 128, 96, 1);
                break;
            case "odd-dimensions":
                Clip(c, "in.mkv", 3, "-vf", "scale=63:47", "-pix_fmt", "yuv444p");
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 126, 94, 3);
                break;
            case "eight-by-eight":
                Clip(c, "in.mp4", 3, "-vf", "scale=8:8");
                Succeeds(c, Upscale(c, c.File("in.mp4"), "out.mp4"), "out.mp4", 16, 16, 3);
                break;
            case "zero-duration-audio":
                Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "anullsrc=sample_rate=48000", "-map", "0", "-map", "1",
                    "-frames:v", "3", "-frames:a", "0", "-c:v", "libx264", "-c:a", "flac", c.File("in.mkv"));
                Succeeds(c, Upscale(c, c.File("in.mkv"), "out.mkv"), "out.mkv", 128, 96, 3);
                break;
            case "name-starting-with-dash":
                Clip(c, "-in.mp4", 3);
                Succeeds(c, Tool(c, "upscale", "-o", "-out.mkv", "--", "-in.mp4"), "-out.mkv", 128, 96, 3);
                break;
            case "name-with-spaces-and-unicode":
                Succeeds(c, Upscale(c, Clip(c, "my clip ü 日本.mp4", 3), "out é 映像.mkv"), "out é 映像.mkv", 128, 96, 3);
                break;
            case "fifo-input":
            {
                Assert.Equal(0, Processes.Run("mkfifo", c.File("pipe.mp4")).ExitCode);
                var clock = Stopwatch.StartNew();
                var result = Upscale(c, c.File("pipe.mp4"), "out.mp4");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"refusing a FIFO took {clock.Elapsed}");
                Fails(c, result, "not a regular file");
                break;
            }
            case "bad-model-path":
                Fails(c, Upscale(c, Clip(c, "in.mp4", 3), "out.mp4", "--model", c.File("no-such-model.srnv")), "Model file not found");
                break;
            case "bad-scale":
                Fails(c, Upscale(c, Clip(c, "in.mp4", 3), "out.mp4", "--scale", "0"), "--scale", exitCode: 2);
                break;
            case "bad-codec":
                Fails(c, Upscale(c, Clip(c, "in.mp4", 3), "out.mp4", "--codec", "no-such-codec"), "no encoder named no-such-codec");
                break;
            case "mid-stream-size-change":
                SizeChange(c);
                Fails(c, Upscale(c, c.File("joined.ts"), "out.mkv"), "changes its picture size from 64x48 to 96x64 at frame 5");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such case");
        }
    }

    // ---- the checks every case ends with ----

    /// <summary>A correct output: twice the size (or the given one), every frame, and nothing left beside it.</summary>
    private static void Succeeds(CaseFolder c, Run run, string output, int width, int height, int frames, string? warning = null)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stderr}");
        string path = c.File(output);
        Assert.Equal(width.ToString(CultureInfo.InvariantCulture), Processes.Probe(path, "width"));
        Assert.Equal(height.ToString(CultureInfo.InvariantCulture), Processes.Probe(path, "height"));
        Assert.Equal(frames, VideoFrames(path));
        NoStackTrace(run);
        if (warning is not null)
        {
            Assert.Contains(run.Stderr.Split('\n'), line => line.StartsWith("warning:", StringComparison.Ordinal) && line.Contains(warning, StringComparison.Ordinal));
        }
        Clean(c);
    }

    /// <summary>A truncated or damaged source: the frames that decode, and a warning that counts the missing ones.</summary>
    private static void SucceedsShorter(CaseFolder c, Run run, string output, int declared)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stderr}");
        int frames = VideoFrames(c.File(output));
        Assert.InRange(frames, 1, declared - 1);
        Succeeds(c, run, output, 128, 96, frames, warning: $"decoded {frames} of {declared} frames");
    }

    /// <summary>One clear error line, a non-zero exit, no stack trace, nothing under the final name and nothing left beside it.</summary>
    private void Fails(CaseFolder c, Run run, string message, string? output = "out", int exitCode = 1)
    {
        _log.WriteLine(run.Stderr);
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, expected {exitCode}\n{run.Stderr}");
        var errors = run.Stderr.Split('\n').Where(line => line.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, $"expected one error line:\n{run.Stderr}");
        Assert.Contains(message, errors[0], StringComparison.Ordinal);
        NoStackTrace(run);
        if (output is not null)
        {
            Assert.Empty(Directory.EnumerateFiles(c.Path, output + ".*").Concat(Directory.EnumerateFiles(c.Path, "out")));
        }
        Clean(c);
    }

    private static void NoStackTrace(Run run)
    {
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>No temporary file, lock or work folder left, and no ffmpeg or ffprobe still at work on the case's files.</summary>
    private static void Clean(CaseFolder c)
    {
        var leftovers = Directory.EnumerateFileSystemEntries(c.Path, ".*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) is var name && (name.Contains(".partial", StringComparison.Ordinal)
                || name.EndsWith(".seranet-lock", StringComparison.Ordinal) || name.Contains(".seranet-work", StringComparison.Ordinal)))
            .ToList();
        Assert.True(leftovers.Count == 0, "left behind: " + string.Join(", ", leftovers));
        var clock = Stopwatch.StartNew();
        var running = FfmpegOn(c.Path);
        while (running.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            Thread.Sleep(200);
            running = FfmpegOn(c.Path);
        }
        Assert.True(running.Count == 0, "ffmpeg left running: " + string.Join("\n", running));
    }

    /// <summary>Command lines of ffmpeg and ffprobe processes that name a file under <paramref name="folder"/>.</summary>
    private static List<string> FfmpegOn(string folder)
    {
        var found = new List<string>();
        foreach (string process in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                string command = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                string executable = Path.GetFileName(command.Split(' ')[0]);
                if (executable is "ffmpeg" or "ffprobe" && command.Contains(folder, StringComparison.Ordinal))
                {
                    found.Add(command);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    private static int VideoFrames(string file) =>
        int.Parse(Processes.Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets",
            "-of", "csv=p=0", file).Stdout.Trim().TrimEnd(','), CultureInfo.InvariantCulture);

    // ---- cases that need more than one run ----

    private void ReadOnlyFolder(CaseFolder c)
    {
        string input = Clip(c, "in.mp4", 3);
        string folder = c.File("read-only");
        Directory.CreateDirectory(folder);
        bool root = Environment.UserName == "root";
        if (root)
        {
            // Root writes through permission bits, so a read-only mount stands in for them.
            var mount = Processes.Run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", folder);
            if (mount.ExitCode != 0)
            {
                _log.WriteLine($"SKIPPED read-only-output-folder: root cannot mount a read-only tmpfs here ({mount.Stderr.Trim()}).");
                return;
            }
        }
        else
        {
            Assert.Equal(0, Processes.Run("chmod", "555", folder).ExitCode);
        }
        try
        {
            Fails(c, Upscale(c, input, Path.Combine("read-only", "out.mp4")), "Cannot write in", output: null);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            if (root)
            {
                Processes.Run("umount", folder);
            }
            else
            {
                Processes.Run("chmod", "755", folder);
            }
        }
    }

    private void DiskFull(CaseFolder c)
    {
        // Noise does not compress: ten frames of it at 320x240 are far above the 16 KiB the folder holds.
        string input = Clip(c, "noisy.mp4", 10, "-vf", "scale=160:120,noise=alls=80:allf=t", "-crf", "5");
        string folder = c.File("small");
        Directory.CreateDirectory(folder);
        var mount = Environment.UserName == "root"
            ? Processes.Run("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", folder)
            : Processes.Run("sudo", "-n", "mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", folder);
        if (mount.ExitCode != 0)
        {
            _log.WriteLine($"SKIPPED disk-full: mounting a small tmpfs needs root or passwordless sudo ({mount.Stderr.Trim()}).");
            return;
        }
        try
        {
            var run = Upscale(c, input, Path.Combine("small", "out.mkv"));
            _log.WriteLine(run.Stderr);
            Assert.NotEqual(0, run.ExitCode);
            Assert.Matches("is the disk full\\?|No space left on device", run.Stderr);
            Assert.Single(run.Stderr.Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
            NoStackTrace(run);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
            Clean(c);
        }
        finally
        {
            if (Environment.UserName == "root")
            {
                Processes.Run("umount", folder);
            }
            else
            {
                Processes.Run("sudo", "-n", "umount", folder);
            }
        }
    }

    /// <summary>
    /// Stops a run midway with a signal: INT and TERM end it cleanly (exit 130, nothing under the final
    /// name), KILL ends it at once; then the same command finishes the job, resuming a segmented one.
    /// </summary>
    private void InterruptThenResume(CaseFolder c, string signal, bool segmented)
    {
        // Frames big enough that the model, not start-up, takes the time: tiny frames on the planar
        // path finish before the signal can arrive.
        string input = c.File("in.mp4");
        Ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-frames:v", "120", "-c:v", "libx264", input]);
        string[] arguments = ["upscale", input, "-o", "out.mkv", "--segment-seconds", segmented ? "0.4" : "100"];
        using var first = Start(c, arguments);
        // A segmented run is stopped after its first chunk is recorded, a one-pass run once it writes its output.
        Func<bool> started = segmented
            ? () => File.Exists(Path.Combine(c.File(".out.mkv.seranet-work"), "chunk-00000.json"))
            : () => Directory.EnumerateFiles(c.Path, ".out.*partial*").Any();
        var clock = Stopwatch.StartNew();
        while (!started() && !first.Process.HasExited && clock.Elapsed < RunLimit)
        {
            Thread.Sleep(50);
        }
        if (first.Process.HasExited)
        {
            Assert.Fail("the run ended before it could be interrupted:\n" + first.Finish(TimeSpan.Zero).Stderr);
        }
        Signal(first.Process.Id, signal);
        var stopped = first.Finish(TimeSpan.FromMinutes(1));
        _log.WriteLine(stopped.Stderr);
        Assert.False(File.Exists(c.File("out.mkv")));
        if (signal == "KILL")
        {
            Assert.Equal(137, stopped.ExitCode);
        }
        else
        {
            Assert.Equal(130, stopped.ExitCode);
            NoStackTrace(stopped);
            Assert.Empty(Directory.EnumerateFiles(c.Path, ".*partial*"));
            if (segmented)
            {
                Assert.Contains("segments are finished and kept in", stopped.Stderr, StringComparison.Ordinal);
                Assert.Contains("run the same command again to resume", stopped.Stderr, StringComparison.Ordinal);
            }
        }

        var again = Tool(c, arguments);

        Succeeds(c, again, "out.mkv", 640, 360, 120);
        if (segmented)
        {
            Assert.Matches("segments: [0-9]+ encoded, [1-9][0-9]* already done", again.Stdout);
        }
    }

    private static void TwoRuns(CaseFolder c)
    {
        string input = Clip(c, "in.mp4", 40);
        using var first = Start(c, "upscale", input, "-o", "out.mkv");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(c.File(".out.mkv.seranet-lock")) && !first.Process.HasExited && clock.Elapsed < RunLimit)
        {
            Thread.Sleep(20);
        }
        Assert.False(first.Process.HasExited, "the first run ended before the second started");

        var second = Upscale(c, input, "out.mkv", "--overwrite");
        var firstRun = first.Finish(RunLimit);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"Another run is writing {c.File("out.mkv")} (process {first.Process.Id}", second.Stderr, StringComparison.Ordinal);
        NoStackTrace(second);
        Succeeds(c, firstRun, "out.mkv", 128, 96, 40);
    }

    // ---- inputs ----

    /// <summary>A testsrc2 clip of 64x48 at 25 fps (H.264 unless the extra arguments say otherwise).</summary>
    private static string Clip(CaseFolder c, string name, int frames, params string[] extra)
    {
        string path = c.File(name);
        Ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", .. extra, path]);
        return path;
    }

    private static void TwoVideoStreams(CaseFolder c) =>
        Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "testsrc=size=32x24:rate=25", "-map", "0", "-map", "1",
            "-frames:v", "3", "-c:v", "libx264", c.File("two.mkv"));

    /// <summary>Two MPEG-TS files of different sizes joined byte for byte, as a capture or a cut stream can be.</summary>
    private static void SizeChange(CaseFolder c)
    {
        Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "5", "-c:v", "libx264", "-bf", "0", c.File("a.ts"));
        Ffmpeg("-f", "lavfi", "-i", "testsrc=size=96x64:rate=25", "-frames:v", "5", "-c:v", "libx264", "-bf", "0", "-output_ts_offset", "0.2", c.File("b.ts"));
        File.WriteAllBytes(c.File("joined.ts"), [.. File.ReadAllBytes(c.File("a.ts")), .. File.ReadAllBytes(c.File("b.ts"))]);
    }

    private static void Cut(string whole, string cut, double keep)
    {
        byte[] bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * keep)]);
    }

    /// <summary>300 bytes of noise at the middle of the file.</summary>
    private static void Corrupt(string whole, string damaged)
    {
        byte[] bytes = File.ReadAllBytes(whole);
        var random = new Random(1);
        for (int i = bytes.Length / 2; i < bytes.Length / 2 + 300; i++)
        {
            bytes[i] = (byte)random.Next(256);
        }
        File.WriteAllBytes(damaged, bytes);
    }

    private static void Ffmpeg(params string[] arguments) => Processes.Ffmpeg(arguments);

    // ---- running the tool ----

    private static Run Upscale(CaseFolder c, string input, string output, params string[] extra) =>
        Tool(c, ["upscale", input, "-o", output, .. extra]);

    /// <summary>The tool in the case's folder, failing the case if it runs past the limit (a hang).</summary>
    private static Run Tool(CaseFolder c, params string[] arguments)
    {
        using var running = Start(c, arguments);
        return running.Finish(RunLimit);
    }

    private static Running Start(CaseFolder c, params string[] arguments)
    {
        var info = DefaultSignals.StartInfo("dotnet");
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardInput = true;
        info.WorkingDirectory = c.Path;
        info.ArgumentList.Add(RepoPaths.CliDll);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return new Running(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public sealed record Run(int ExitCode, string Stdout, string Stderr);

    private sealed record Running(Process Process, Task<string> Stdout, Task<string> Stderr) : IDisposable
    {
        public Run Finish(TimeSpan limit)
        {
            if (!Process.WaitForExit(limit))
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
                Assert.Fail($"seranet did not finish within {limit} (a hang):\n{Stderr.Result}");
            }
            Process.WaitForExit();
            return new Run(Process.ExitCode, Stdout.Result, Stderr.Result);
        }

        public void Dispose() => Process.Dispose();
    }

    private sealed class CaseFolder
    {
        public CaseFolder(string path)
        {
            Path = path;
            Directory.CreateDirectory(path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);
    }
}
