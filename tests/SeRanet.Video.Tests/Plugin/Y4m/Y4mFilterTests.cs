using System.Text;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Plugin.Y4m;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Plugin.Y4m;

/// <summary><see cref="Y4mFilter"/> on in-memory streams with the default model.</summary>
public sealed class Y4mFilterTests : IDisposable
{
    private const int Width = 20;
    private const int Height = 12;

    private readonly PlanarUpscaler _upscaler = PlanarUpscaler.Open(new ModelChoice(null, DeviceChoice.Cpu, new UpscaleOptions()), framesPerBatch: 2);

    public void Dispose() => _upscaler.Dispose();

    private static byte[] Stream(string header, PlaneFormat format, int frames, out List<byte[]> pictures)
    {
        var random = new Random(5);
        var bytes = new List<byte>(Encoding.ASCII.GetBytes(header + "\n"));
        pictures = [];
        for (int i = 0; i < frames; i++)
        {
            byte[] picture = new byte[format.FrameBytes(Width, Height)];
            random.NextBytes(picture);
            if (format.BytesPerSample == 2)
            {
                // Keep 10-bit codes in range.
                for (int j = 1; j < picture.Length; j += 2)
                {
                    picture[j] &= 0x03;
                }
            }
            pictures.Add(picture);
            bytes.AddRange("FRAME\n"u8.ToArray());
            bytes.AddRange(picture);
        }
        return [.. bytes];
    }

    [Theory]
    [InlineData("C420mpeg2 XYSCSS=420MPEG2 XCOLORRANGE=FULL", PlaneLayout.Yuv420, 8)]
    [InlineData("C420p10 XYSCSS=420P10", PlaneLayout.Yuv420, 10)]
    [InlineData("C422", PlaneLayout.Yuv422, 8)]
    [InlineData("Cmono", PlaneLayout.Gray, 8)]
    public async Task Writes_the_upscaled_stream_with_the_planar_upscalers_pixels(string tags, PlaneLayout layout, int depth)
    {
        string header = $"YUV4MPEG2 W{Width} H{Height} F30000:1001 Ip A1:1 {tags}";
        var format = Y4mHeader.Parse(header).PlaneFormat();
        Assert.Equal((layout, depth), (format.Layout, format.BitDepth));
        using var input = new MemoryStream(Stream(header, format, 3, out var pictures));
        using var output = new MemoryStream();

        var run = await new Y4mFilter(_upscaler).RunAsync(input, output, null, CancellationToken.None);

        Assert.Equal(3, run.Frames);
        string expectedHeader = $"YUV4MPEG2 W{2 * Width} H{2 * Height} F30000:1001 Ip A1:1 {tags.Replace(" XYSCSS=420MPEG2", "", StringComparison.Ordinal).Replace(" XYSCSS=420P10", "", StringComparison.Ordinal)}\n";
        var expected = new List<byte>(Encoding.ASCII.GetBytes(expectedHeader));
        foreach (byte[] picture in pictures)
        {
            using var upscaled = PlanarFrame.Rent(2 * Width, 2 * Height, format);
            _upscaler.Upscale(PlanarImage.Packed(Width, Height, format, picture), upscaled.Image);
            expected.AddRange("FRAME\n"u8.ToArray());
            expected.AddRange(upscaled.Memory.ToArray());
        }
        Assert.Equal(expectedHeader, Encoding.ASCII.GetString(output.ToArray(), 0, expectedHeader.Length));
        Assert.Equal(expected.Count, output.Length);
        Assert.True(expected.SequenceEqual(output.ToArray()), "the stream's pixels differ from PlanarUpscaler's");
    }

    [Theory]
    [InlineData(100, "inside frame 1: 100 of 360 bytes")]
    [InlineData(-3, "inside the header of frame 1")]
    public async Task A_stream_that_ends_inside_a_frame_names_it(int keep, string message)
    {
        var format = new PlaneFormat(PlaneLayout.Yuv420);
        byte[] whole = Stream($"YUV4MPEG2 W{Width} H{Height} F25:1", format, 2, out _);
        int firstFrameEnd = whole.Length - format.FrameBytes(Width, Height) - 6;
        using var input = new MemoryStream(whole[..(firstFrameEnd + (keep > 0 ? 6 + keep : -keep))]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new Y4mFilter(_upscaler).RunAsync(input, System.IO.Stream.Null, null, CancellationToken.None));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interlaced_stream_is_refused_before_anything_is_written()
    {
        using var input = new MemoryStream(Stream($"YUV4MPEG2 W{Width} H{Height} F25:1 It", new PlaneFormat(PlaneLayout.Yuv420), 1, out _));
        using var output = new MemoryStream();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new Y4mFilter(_upscaler).RunAsync(input, output, null, CancellationToken.None));

        Assert.Contains("interlaced (It)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    /// <summary>A pipe whose reader goes away after the header and one frame, as <c>| head -c</c> does.</summary>
    private sealed class ClosedAfterThreeWrites : MemoryStream
    {
        private int _writes;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ++_writes > 3 ? throw new IOException("Broken pipe", 32) : base.WriteAsync(buffer, cancellationToken);
    }

    [Fact]
    public async Task A_reader_that_closes_the_output_ends_the_run_quietly()
    {
        var format = new PlaneFormat(PlaneLayout.Yuv420);
        using var input = new MemoryStream(Stream($"YUV4MPEG2 W{Width} H{Height} F25:1", format, 8, out _));
        using var output = new ClosedAfterThreeWrites();

        var run = await new Y4mFilter(_upscaler).RunAsync(input, output, null, CancellationToken.None);

        Assert.True(run.OutputClosed);
        Assert.Equal(1, run.Frames);
    }

    [Fact]
    public async Task The_magic_is_found_and_the_bytes_read_are_kept()
    {
        var format = new PlaneFormat(PlaneLayout.Yuv444);
        byte[] y4m = Stream($"YUV4MPEG2 W{Width} H{Height}", format, 1, out _);
        var (isY4m, stream) = await Y4mDetection.DetectAsync(new MemoryStream(y4m), CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        var (isRaw, _) = await Y4mDetection.DetectAsync(new MemoryStream(new byte[100]), CancellationToken.None);
        var (isShort, _) = await Y4mDetection.DetectAsync(new MemoryStream("YUV"u8.ToArray()), CancellationToken.None);

        Assert.True(isY4m);
        Assert.Equal(y4m, copy.ToArray());
        Assert.False(isRaw);
        Assert.False(isShort);
    }
}
