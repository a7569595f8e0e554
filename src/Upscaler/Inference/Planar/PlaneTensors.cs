using SeRanet.Video.Core.Imaging.Planar;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference.Planar;

/// <summary>
/// Moves one plane of a batch of pictures into a float tensor of codes and back, honouring each
/// plane's stride: one copy per row each way, as <see cref="FrameTensors"/> does for frames.
/// </summary>
public static class PlaneTensors
{
    // Kept alive for the process: TorchSharp would otherwise make implicit scalars (see TorchScalars).
    private static readonly Scalar Unsigned16 = 65536f.ToScalar();

    /// <summary>[N, 1, h, w] float32 codes (0..2^bits-1) of plane <paramref name="plane"/> of pictures of one shape.</summary>
    public static Tensor ToTensor(IReadOnlyList<PlanarImage> images, int plane, Device device)
    {
        var first = images[0];
        if (images.Any(i => !i.SameShape(first)))
        {
            throw new ArgumentException("Pictures upscaled together must share one size and format.", nameof(images));
        }
        var format = first.Format;
        var (width, height) = format.PlaneSize(plane, first.Width, first.Height);
        bool deep = format.BytesPerSample == 2;
        int rowBytes = width * format.BytesPerSample;
        // torch has no unsigned 16-bit type; int16 holds the same bits and is unwrapped below.
        Tensor raw = torch.empty([images.Count, 1, height, width], deep ? ScalarType.Int16 : ScalarType.Byte);
        Span<byte> memory = raw.bytes;
        for (int i = 0; i < images.Count; i++)
        {
            var source = images[i].Planes[plane];
            var span = source.Data.Span;
            for (int y = 0; y < height; y++)
            {
                span.Slice(y * source.Stride, rowBytes).CopyTo(memory.Slice((i * height + y) * rowBytes, rowBytes));
            }
        }
        Tensor values = raw.to(device).to(ScalarType.Float32);
        if (deep)
        {
            values = values.add_(Unsigned16, TorchScalars.One).remainder_(Unsigned16);
        }
        return values;
    }

    /// <summary>
    /// Rounds [N, 1, h, w] codes half to even, clips them to the format's codes and writes them
    /// into plane <paramref name="plane"/> of <paramref name="images"/>, whose plane size they must have.
    /// </summary>
    public static void CopyTo(Tensor codes, IReadOnlyList<PlanarImage> images, int plane)
    {
        var first = images[0];
        var format = first.Format;
        var (width, height) = format.PlaneSize(plane, first.Width, first.Height);
        if (codes.shape[0] != images.Count || codes.shape[1] != 1 || codes.shape[2] != height || codes.shape[3] != width
            || images.Any(i => !i.SameShape(first)))
        {
            throw new ArgumentException($"A [{string.Join(", ", codes.shape)}] result does not fit plane {plane} of {images.Count} {first.Width}x{first.Height} pictures.", nameof(images));
        }
        bool deep = format.BytesPerSample == 2;
        int rowBytes = width * format.BytesPerSample;
        using Scalar max = ((float)format.MaxCode).ToScalar();
        Tensor rounded = codes.round().clamp_(TorchScalars.Zero, max);
        // Through int32, so codes above 32767 keep their low 16 bits in int16: the little-endian bytes of the unsigned code.
        Tensor stored = (deep ? rounded.to(ScalarType.Int32).to(ScalarType.Int16) : rounded.to(ScalarType.Byte)).cpu().contiguous();
        ReadOnlySpan<byte> memory = stored.bytes;
        for (int i = 0; i < images.Count; i++)
        {
            var target = images[i].Planes[plane];
            var span = target.Data.Span;
            for (int y = 0; y < height; y++)
            {
                memory.Slice((i * height + y) * rowBytes, rowBytes).CopyTo(span.Slice(y * target.Stride, rowBytes));
            }
        }
    }
}
