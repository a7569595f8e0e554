using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// <c>seranet upscale</c> runs with one malloc arena and no per-block mmap (the tool restarts itself
/// with GLIBC_TUNABLES on its first line), keeps the user's own tunables and output, and
/// <c>SERANET_DEFAULT_MALLOC=1</c> leaves glibc's defaults. The speed this buys is bench/heap.sh's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SingleArenaRestartTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private Processes.Result Upscale(string output, IReadOnlyDictionary<string, string>? environment)
    {
        string clip = _temp.File("clip.mp4");
        if (!File.Exists(clip))
        {
            Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10", "-frames:v", "3", "-pix_fmt", "yuv420p", clip);
        }
        return Processes.Run("dotnet", [RepoPaths.CliDll, "upscale", clip, "-o", _temp.File(output), "-v"], environment, TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void Upscale_runs_with_one_arena_and_the_same_frames_as_with_glibc_defaults()
    {
        var tuned = Upscale("tuned.mkv", environment: null);
        var defaults = Upscale("defaults.mkv", new Dictionary<string, string> { ["SERANET_DEFAULT_MALLOC"] = "1" });

        Assert.True(tuned.ExitCode == 0, tuned.Output);
        Assert.True(defaults.ExitCode == 0, defaults.Output);
        Assert.Contains("memory: one malloc arena", tuned.Stderr, StringComparison.Ordinal);
        Assert.Contains("memory: glibc's default malloc arenas", defaults.Stderr, StringComparison.Ordinal);
        Assert.Equal(FrameHashes("defaults.mkv"), FrameHashes("tuned.mkv"));
    }

    [Fact]
    public void The_users_own_tunables_are_kept_beside_ours()
    {
        // A tunable of the user's (a harmless one) survives the restart, with ours after it.
        var result = Upscale("user.mkv", new Dictionary<string, string> { ["GLIBC_TUNABLES"] = "glibc.malloc.tcache_count=7" });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("(GLIBC_TUNABLES=glibc.malloc.tcache_count=7:glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0)", result.Stderr, StringComparison.Ordinal);
    }

    private string FrameHashes(string file)
    {
        var result = Processes.Run("ffmpeg", "-v", "error", "-i", _temp.File(file), "-f", "framemd5", "-");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return string.Join('\n', result.Stdout.Split('\n').Where(line => !line.StartsWith('#')));
    }
}
