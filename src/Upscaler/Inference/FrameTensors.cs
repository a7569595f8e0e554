using SeRanet.Video.Core.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// Moves pixels between pooled frames and batch tensors with one copy each way per frame: the
/// frame's bytes go straight into the batch tensor's memory and are widened to float by torch;
/// the result is rounded by torch and its bytes go straight into the rented output frame. The
/// old path (frame, planar floats, packed floats, tensor, floats, per-image floats, frame) made
/// about 100 MB of large-object garbage per 4-frame batch at 640x360.
/// </summary>
public static class FrameTensors
{
    // Kept alive for the process: TorchSharp would otherwise make implicit scalars (see TorchScalars).
    private static readonly Scalar Max8 = 255f.ToScalar();
    private static readonly Scalar Max16 = 65535f.ToScalar();
    private static readonly Scalar Unsigned16 = 65536f.ToScalar();

    /// <summary>
    /// [N, 3, H, W] float32 in [0, 1] on <paramref name="device"/>, channels-last (the layout the
    /// networks run in), from frames of one size and format.
    /// </summary>
    public static Tensor ToTensor(IReadOnlyList<Frame> frames, Device device)
    {
        var first = frames[0];
        if (frames.Any(f => f.Width != first.Width || f.Height != first.Height || f.Format != first.Format))
        {
            throw new ArgumentException("Frames upscaled together must share one size and format.", nameof(frames));
        }
        bool deep = first.Format == PixelFormat.Rgb48;
        // torch has no unsigned 16-bit arithmetic; int16 holds the same bits and is unwrapped below.
        Tensor raw = torch.empty([frames.Count, first.Height, first.Width, 3], deep ? ScalarType.Int16 : ScalarType.Byte);
        Span<byte> memory = raw.bytes;
        for (int i = 0; i < frames.Count; i++)
        {
            frames[i].Data.CopyTo(memory.Slice(i * first.ByteCount, first.ByteCount));
        }
        Tensor values = raw.to(device).to(ScalarType.Float32);
        if (deep)
        {
            // v - 65536 for codes of 32768 and up: (v + 65536) mod 65536 gives every code back exactly.
            values = values.add_(Unsigned16, TorchScalars.One).remainder_(Unsigned16);
        }
        return values.div_(deep ? Max16 : Max8).permute(0, 3, 1, 2);
    }

    /// <summary>
    /// Rounds [N, 3, H, W] values in [0, 1] to each frame's depth (half to even, clipped, as
    /// ImagePlanes.WriteTo does) and writes them into <paramref name="frames"/>, which must have
    /// the tensor's size and one format.
    /// </summary>
    public static void CopyTo(Tensor rgb, IReadOnlyList<Frame> frames)
    {
        var first = frames[0];
        if (rgb.shape[0] != frames.Count || rgb.shape[2] != first.Height || rgb.shape[3] != first.Width
            || frames.Any(f => f.Width != first.Width || f.Height != first.Height || f.Format != first.Format))
        {
            throw new ArgumentException($"A [{string.Join(", ", rgb.shape)}] result does not fit {frames.Count} frames of {first.Width}x{first.Height}.", nameof(frames));
        }
        bool deep = first.Format == PixelFormat.Rgb48;
        Scalar max = deep ? Max16 : Max8;
        Tensor codes = rgb.permute(0, 2, 3, 1).mul(max).round_().clamp_(TorchScalars.Zero, max);
        // Through int32, so codes above 32767 keep their low 16 bits in int16: the little-endian bytes of the unsigned code.
        Tensor stored = (deep ? codes.to(ScalarType.Int32).to(ScalarType.Int16) : codes.to(ScalarType.Byte)).cpu().contiguous();
        ReadOnlySpan<byte> memory = stored.bytes;
        for (int i = 0; i < frames.Count; i++)
        {
            memory.Slice(i * first.ByteCount, first.ByteCount).CopyTo(frames[i].Data);
        }
    }
}
