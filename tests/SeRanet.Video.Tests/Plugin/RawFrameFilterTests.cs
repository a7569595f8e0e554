using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Plugin;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Plugin;

public class RawFrameFilterTests
{
    private static byte[] Frames(int count, int width, int height)
    {
        var random = new Random(9);
        byte[] bytes = new byte[count * width * height * 3];
        random.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Streams_every_frame_through_at_twice_the_size()
    {
        using var filter = RawFrameFilter.Open(new FilterOptions { Width = 20, Height = 12, Batch = 2 });
        using var input = new MemoryStream(Frames(3, 20, 12));
        using var output = new MemoryStream();

        long frames = await filter.RunAsync(input, output, CancellationToken.None);

        Assert.Equal(3, frames);
        Assert.Equal((40, 24), filter.OutputSize);
        Assert.Equal(3 * 40 * 24 * 3, output.Length);
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_frame_is_an_error_that_names_it()
    {
        using var filter = RawFrameFilter.Open(new FilterOptions { Width = 20, Height = 12 });
        using var input = new MemoryStream(Frames(2, 20, 12)[..(20 * 12 * 3 + 100)]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => filter.RunAsync(input, Stream.Null, CancellationToken.None));
        Assert.Contains("frame 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_frames_keep_their_depth()
    {
        using var filter = RawFrameFilter.Open(new FilterOptions { Width = 9, Height = 7, Format = PixelFormat.Rgb48 });
        using var frame = Frame.Rent(9, 7, PixelFormat.Rgb48);
        frame.Data.Fill(0x80);

        using var upscaled = filter.Process(frame);

        Assert.Equal((18, 14, PixelFormat.Rgb48), (upscaled.Width, upscaled.Height, upscaled.Format));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public void The_filter_command_sits_between_two_ffmpeg_processes()
    {
        using var temp = new TempFolder();
        string raw = temp.File("in.rgb");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5", "-frames:v", "4", "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
        string upscaled = temp.File("out.rgb");

        var result = Processes.Run("bash", "-c", $"dotnet '{RepoPaths.CliDll}' filter --size 32x24 < '{raw}' > '{upscaled}'");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(4 * 64 * 48 * 3, new FileInfo(upscaled).Length);
        Assert.Contains("4 frames", result.Stderr, StringComparison.Ordinal);
    }
}
