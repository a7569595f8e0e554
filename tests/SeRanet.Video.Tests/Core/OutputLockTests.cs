using SeRanet.Video.Core.Files;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Core;

/// <summary>The lock that keeps two runs off one output, and the frame count a complete file would give.</summary>
public class OutputLockTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_second_taker_fails_at_once_and_the_lock_is_free_again_once_released()
    {
        string output = _temp.File("out.mkv");

        using (var held = OutputLock.Take(output))
        {
            var busy = Assert.Throws<OutputBusyException>(() => OutputLock.Take(output));
            Assert.Contains($"Another run is writing {output}", busy.Message, StringComparison.Ordinal);
            Assert.True(File.Exists(held.LockPath));
        }

        Assert.False(File.Exists(OutputLock.PathFor(output)));
        using var again = OutputLock.Take(output);
    }

    [Fact]
    public void A_lock_file_that_a_killed_run_left_blocks_nothing()
    {
        string output = _temp.File("out.mp4");
        // What SIGKILL leaves: the file, with no process holding its lock.
        File.WriteAllText(OutputLock.PathFor(output), "");

        using var taken = OutputLock.Take(output);

        Assert.Equal(OutputLock.PathFor(output), taken.LockPath);
    }

    [Fact]
    public void The_lock_name_stays_within_the_file_name_limit()
    {
        string output = _temp.File(new string('n', 250) + ".mkv");

        using var taken = OutputLock.Take(output);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(taken.LockPath)) <= 255);
    }

    [Theory]
    [InlineData(50, null, 50)]
    [InlineData(20, 50L, 50)]
    [InlineData(49, 50L, 49)] // within the slack that edit lists and stated durations need
    [InlineData(1000, 1009L, 1000)]
    [InlineData(1000, 1011L, 1011)]
    public void The_expected_frame_count_is_the_declared_one_only_beyond_a_rounding_slack(int packets, long? declared, long expected)
    {
        var video = new VideoInfo
        {
            Path = "in.mkv", FormatName = "matroska", StreamIndex = 0, CodecName = "h264", Width = 64, Height = 48,
            FramePts = Enumerable.Range(0, packets).Select(i => (long)i).ToList(), FrameRate = new Rational(25, 1), TimeBase = new Rational(1, 25),
            PixelFormat = "yuv420p", BitDepth = 8, Color = VideoColor.Describe(null, null, null, null, "yuv420p", 48), DeclaredFrameCount = declared,
        };

        Assert.Equal(expected, video.ExpectedFrameCount);
    }
}
