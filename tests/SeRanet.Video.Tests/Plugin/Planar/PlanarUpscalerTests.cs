using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Plugin.Planar;

public class PlanarUpscalerTests
{
    private const int Width = 24;
    private const int Height = 16;

    private static readonly ModelChoice Default = new(null, DeviceChoice.Cpu, new UpscaleOptions());

    /// <summary>A smooth picture with edges, so the network has something to do.</summary>
    private static byte[] Luma(int width, int height) =>
        [.. Enumerable.Range(0, width * height).Select(i =>
        {
            int x = i % width, y = i / width;
            return (byte)Math.Clamp(128 + 90 * Math.Sin(x * 0.7) * Math.Cos(y * 0.4) + (x > width / 2 ? 20 : -20), 0, 255);
        })];

    private static PlanarImage Gray(byte[] luma, int width, int height, int stride) =>
        new(width, height, new PlaneFormat(PlaneLayout.Gray) { Range = ColorRange.Full }, [new Plane(luma, stride)]);

    /// <summary>
    /// Gray, full range: R = G = B = Y, so the RGB path's BT.601 luma is the luma itself and the
    /// two paths may differ only by float rounding in the colour conversion (at most one level).
    /// </summary>
    [Fact]
    public void Gray_luma_matches_the_rgb_path_of_seranet_upscale()
    {
        byte[] luma = Luma(Width, Height);
        using var upscaler = PlanarUpscaler.Open(Default);
        var (outWidth, outHeight) = upscaler.OutputSize(Width, Height);
        byte[] result = new byte[outWidth * outHeight];
        upscaler.Upscale(Gray(luma, Width, Height, Width), Gray(result, outWidth, outHeight, outWidth));

        using var rgbUpscaler = ImageUpscaler.Open(ModelCatalog.EmbeddedOnly.Load(null), torch.CPU, new UpscaleOptions());
        using var frame = Frame.Wrap(Width, Height, PixelFormat.Rgb24, [.. luma.SelectMany(v => new[] { v, v, v })]);
        using var reference = rgbUpscaler.UpscaleFrame(frame);
        byte[] expected = [.. reference.Data.ToArray().Where((_, i) => i % 3 == 1)];

        Assert.Equal((48, 32), (outWidth, outHeight));
        int worst = expected.Zip(result, (a, b) => Math.Abs(a - b)).Max();
        int same = expected.Zip(result, (a, b) => a == b ? 1 : 0).Sum();
        Assert.True(worst <= 1, $"luma differs from the RGB path by up to {worst}");
        Assert.True(same >= result.Length * 0.99, $"only {same} of {result.Length} samples equal");
    }

    /// <summary>
    /// Disposing while another thread is in a pass waits for the pass instead of freeing the weights
    /// under it, and a call after it fails in managed code. (seranet.h still tells C hosts not to race
    /// seranet_close with other calls: after close, the handle itself is gone.)
    /// </summary>
    [Fact]
    public void Disposing_during_a_pass_waits_for_it_and_later_calls_fail_cleanly()
    {
        const int side = 512;
        byte[] luma = Luma(side, side);
        var upscaler = PlanarUpscaler.Open(Default);
        byte[] result = new byte[4 * side * side];
        var pass = Task.Run(() => upscaler.Upscale(Gray(luma, side, side, side), Gray(result, 2 * side, 2 * side, 2 * side)));
        // Most likely inside the pass by then (it takes about half a second); if not, the pass must fail cleanly.
        Thread.Sleep(100);

        upscaler.Dispose();
        upscaler.Dispose();

        var failure = Record.Exception(pass.Wait);
        if (failure is null)
        {
            Assert.True(result.Count(v => v != 0) > result.Length / 2, "the pass finished its picture");
        }
        else
        {
            Assert.IsType<ObjectDisposedException>(Assert.IsType<AggregateException>(failure).InnerException);
        }
        Assert.Throws<ObjectDisposedException>(() => upscaler.Upscale(Gray(luma, side, side, side), Gray(result, 2 * side, 2 * side, 2 * side)));
    }

    [Fact]
    public void Strides_and_bit_depth_do_not_change_the_picture()
    {
        byte[] luma = Luma(Width, Height);
        using var upscaler = PlanarUpscaler.Open(Default, framesPerBatch: 2);
        var format8 = new PlaneFormat(PlaneLayout.Yuv420);
        var format10 = new PlaneFormat(PlaneLayout.Yuv420, 10);

        // 8-bit, packed.
        using var input8 = PlanarFrame.Rent(Width, Height, format8);
        var image8 = input8.Image;
        luma.CopyTo(image8.Planes[0].Data);
        image8.Planes[1].Data.Span.Fill(100);
        image8.Planes[2].Data.Span.Fill(160);
        using var output8 = PlanarFrame.Rent(48, 32, format8);
        upscaler.Upscale(image8, output8.Image);

        // 10-bit (codes x4), luma with a padded stride.
        const int stride = 2 * Width + 10;
        byte[] lumaPlane = new byte[stride * Height];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                BitConverter.TryWriteBytes(lumaPlane.AsSpan(y * stride + 2 * x), (ushort)(luma[y * Width + x] * 4));
            }
        }
        byte[] cb = [.. Enumerable.Range(0, Width * Height / 4).SelectMany(_ => BitConverter.GetBytes((ushort)400))];
        byte[] cr = [.. Enumerable.Range(0, Width * Height / 4).SelectMany(_ => BitConverter.GetBytes((ushort)640))];
        var image10 = new PlanarImage(Width, Height, format10, [new Plane(lumaPlane, stride), new Plane(cb, Width), new Plane(cr, Width)]);
        using var output10 = PlanarFrame.Rent(48, 32, format10);
        using var second10 = PlanarFrame.Rent(48, 32, format10);
        upscaler.Upscale([image10, image10], [output10.Image, second10.Image]);
        Assert.Equal(output10.Memory.ToArray(), second10.Memory.ToArray());

        var y8 = output8.Image.Planes[0].Data.Span;
        var y10 = output10.Image.Planes[0].Data.Span;
        int worst = 0;
        for (int i = 0; i < 48 * 32; i++)
        {
            worst = Math.Max(worst, Math.Abs(BitConverter.ToUInt16(y10.Slice(2 * i, 2)) - 4 * y8[i]));
        }
        Assert.True(worst <= 4, $"10-bit luma differs from 4x the 8-bit luma by up to {worst}");
        // Flat chroma stays flat.
        Assert.All(output8.Image.Planes[1].Data.ToArray(), v => Assert.Equal(100, v));
        Assert.All(output8.Image.Planes[2].Data.ToArray(), v => Assert.Equal(160, v));
        var cr10 = output10.Image.Planes[2].Data.Span;
        for (int i = 0; i < cr10.Length; i += 2)
        {
            Assert.Equal(640, BitConverter.ToUInt16(cr10.Slice(i, 2)));
        }
    }

    [Fact]
    public void A_missing_model_fails_to_open()
    {
        Assert.Throws<ModelNotFoundException>(() => PlanarUpscaler.Open(Default with { Model = "no-such-model" }));
    }

    [Fact]
    public void Outputs_of_the_wrong_size_are_refused()
    {
        using var upscaler = PlanarUpscaler.Open(Default);
        byte[] luma = Luma(Width, Height);
        var error = Assert.Throws<ArgumentException>(() =>
            upscaler.Upscale(Gray(luma, Width, Height, Width), Gray(new byte[Width * Height], Width, Height, Width)));
        Assert.Contains("48x32", error.Message, StringComparison.Ordinal);
    }
}
