using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

public class FrameTensorsTests
{
    [Theory]
    [InlineData(PixelFormat.Rgb24)]
    [InlineData(PixelFormat.Rgb48)]
    public void Every_code_survives_the_trip_into_a_tensor_and_back(PixelFormat format)
    {
        // 256 x 3 pixels: every 8-bit code, or 16-bit codes spread over the whole range including
        // both ends and both sides of 32768, where int16 wraps.
        const int width = 256, height = 3;
        byte[] bytes = new byte[width * height * format.BytesPerPixel()];
        var random = new Random(5);
        random.NextBytes(bytes);
        for (int i = 0; i < width; i++)
        {
            bytes[i * format.BytesPerPixel()] = (byte)i;
        }
        if (format == PixelFormat.Rgb48)
        {
            foreach (var (index, code) in new[] { (0, 0), (1, 32767), (2, 32768), (3, 65535), (4, 1), (5, 65534) })
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(index * 6, 2), (ushort)code);
            }
        }
        using var input = Frame.Wrap(width, height, format, bytes);
        using var output = Frame.Rent(width, height, format);
        using var scope = torch.NewDisposeScope();

        var tensor = FrameTensors.ToTensor([input, input], torch.CPU);
        FrameTensors.CopyTo(tensor[1..], [output]);

        Assert.Equal([2L, 3, height, width], tensor.shape);
        Assert.Equal(bytes, output.Data.ToArray());
    }

    [Fact]
    public void Values_match_the_planar_conversion_and_round_like_it()
    {
        byte[] bytes = new byte[16 * 8 * 3];
        new Random(9).NextBytes(bytes);
        using var frame = Frame.Wrap(16, 8, PixelFormat.Rgb24, bytes);
        using var scope = torch.NewDisposeScope();

        var planes = ImagePlanes.FromFrame(frame);
        float[] fromTensor = FrameTensors.ToTensor([frame], torch.CPU)[0].contiguous().data<float>().ToArray();
        for (int i = 0; i < fromTensor.Length; i++)
        {
            // torch may divide by multiplying with the reciprocal: at most one unit in the last place apart.
            Assert.True(Math.Abs(fromTensor[i] - planes.Data[i]) <= 1e-7f, $"value {i}: {fromTensor[i]} vs {planes.Data[i]}");
        }

        // Rounding: half to even after scaling, clipped to the range, as ImagePlanes.WriteTo does.
        var halves = torch.tensor(new[] { -0.1f, 0.5f / 255, 1.5f / 255, 2.5f / 255, 1.2f }, [1, 1, 1, 5]).expand(1, 3, 1, 5).contiguous();
        using var rounded = Frame.Rent(5, 1, PixelFormat.Rgb24);
        FrameTensors.CopyTo(halves, [rounded]);
        var reference = new ImagePlanes(3, 1, 5, halves.contiguous().data<float>().ToArray());
        using var expected = reference.ToFrame(PixelFormat.Rgb24);
        Assert.Equal(expected.Data.ToArray(), rounded.Data.ToArray());
    }
}
