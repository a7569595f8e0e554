using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Plugin;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

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

    /// <summary>The default model through <see cref="ImageUpscaler"/>, frame by frame: what the filter must write.</summary>
    private static byte[] Reference(byte[] raw, int width, int height)
    {
        using var upscaler = ImageUpscaler.Open(ModelCatalog.EmbeddedOnly.Load(null), torch.CPU, new UpscaleOptions());
        int frameBytes = width * height * 3;
        var expected = new List<byte>();
        for (int offset = 0; offset < raw.Length; offset += frameBytes)
        {
            using var frame = Frame.Wrap(width, height, PixelFormat.Rgb24, raw[offset..(offset + frameBytes)]);
            using var upscaled = upscaler.Upscale(ImagePlanes.FromFrame(frame)).ToFrame(PixelFormat.Rgb24);
            expected.AddRange(upscaled.Data.ToArray());
        }
        return [.. expected];
    }

    /// <summary>Equal to within one level per byte (a batch of frames may round differently from one alone).</summary>
    private static void SamePixels(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1, $"the filter's output differs from ImageUpscaler's by up to {worst}/255");
    }

    [Fact]
    public async Task Streams_every_frame_through_at_twice_the_size()
    {
        using var filter = RawFrameFilter.Open(new FilterOptions { Width = 20, Height = 12, Batch = 2 });
        byte[] raw = Frames(3, 20, 12);
        using var input = new MemoryStream(raw);
        using var output = new MemoryStream();

        long frames = await filter.RunAsync(input, output, CancellationToken.None);

        Assert.Equal(3, frames);
        Assert.Equal((40, 24), filter.OutputSize);
        SamePixels(Reference(raw, 20, 12), output.ToArray());
    }

    [Fact]
    public async Task A_stream_that_ends_inside_a_frame_is_an_error_that_names_it()
    {
        using var filter = RawFrameFilter.Open(new FilterOptions { Width = 20, Height = 12 });
        using var input = new MemoryStream(Frames(2, 20, 12)[..(20 * 12 * 3 + 100)]);

        var error = await Assert.ThrowsAsync<TruncatedFrameException>(() => filter.RunAsync(input, Stream.Null, CancellationToken.None));
        Assert.Contains("frame 1", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A pipe whose reader goes away after the first write, as <c>| head -c 1000</c> does.</summary>
    private sealed class ClosedAfterOneWrite : MemoryStream
    {
        public int Writes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ++Writes > 1 ? throw new IOException("Broken pipe", 32) : base.WriteAsync(buffer, cancellationToken);
    }

    [Fact]
    public async Task A_reader_that_closes_the_output_ends_the_run_quietly()
    {
        using var filter = RawFrameFilter.Open(new FilterOptions { Width = 20, Height = 12 });
        using var input = new MemoryStream(Frames(50, 20, 12));
        using var output = new ClosedAfterOneWrite();

        long frames = await filter.RunAsync(input, output, CancellationToken.None);

        Assert.Equal(1, frames);
        Assert.True(input.Position < input.Length, "the filter read the whole input for nobody");
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
        string[] source = ["-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5", "-frames:v", "4", "-f", "rawvideo", "-pix_fmt", "rgb24"];
        string raw = temp.File("in.rgb");
        Processes.Ffmpeg([.. source, raw]);
        string encoded = temp.File("out.mkv");

        // ffmpeg decodes into the filter, the filter feeds a second ffmpeg that encodes losslessly.
        var result = Processes.Run("bash", "-o", "pipefail", "-c",
            $"ffmpeg -nostdin -v error {string.Join(' ', source)} - " +
            $"| dotnet '{RepoPaths.CliDll}' filter --size 32x24 " +
            $"| ffmpeg -nostdin -v error -y -f rawvideo -pix_fmt rgb24 -s 64x48 -r 5 -i - -c:v ffv1 -pix_fmt bgr0 '{encoded}'");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("4 frames", result.Stderr, StringComparison.Ordinal);
        string back = temp.File("back.rgb");
        Processes.Ffmpeg("-i", encoded, "-f", "rawvideo", "-pix_fmt", "rgb24", back);
        SamePixels(Reference(File.ReadAllBytes(raw), 32, 24), File.ReadAllBytes(back));
    }
}
