using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SeRanet.Video.Core.Imaging.Planar;

namespace SeRanet.Video.Native.Interop;

/// <summary>
/// A seranet_frame of 32-bit float samples (VapourSynth's float formats: luma and RGB nominally
/// in [0, 1], chroma in [-0.5, 0.5]) seen by the engine as 16-bit limited-range codes in a buffer
/// of its own. The engine's planar path takes 8 to 16-bit codes; at 16 bits a code is the value
/// to within 1/56064, and limited range keeps the head- and footroom an integer clip has (luma
/// about -0.073 to 1.096, chroma about +-0.571), so overshoot survives as it does for integer
/// input, and every layer below stays as it is. Values beyond that room are clipped.
/// </summary>
internal sealed class FloatFrame
{
    // Limited range at 16 bits: black 16 << 8, luma span 219 << 8, chroma zero 1 << 15, chroma span 224 << 8.
    private const float LumaZero = 4096f, LumaSpan = 56064f, ChromaZero = 32768f, ChromaSpan = 57344f;

    private readonly Plane[] _host;

    private FloatFrame(PlanarImage codes, Plane[] host)
    {
        Codes = codes;
        _host = host;
    }

    /// <summary>The frame as 16-bit full-range codes, in the engine's terms.</summary>
    public PlanarImage Codes { get; }

    /// <summary>Reads the caller's float planes into codes (<paramref name="fill"/>), or only sizes the codes for an output.</summary>
    public static FloatFrame Read(in NativeFrame frame, string name, bool fill)
    {
        var format = FrameView.FormatOf(frame, name, 16) with { Range = ColorRange.Limited };
        var host = FrameView.HostPlanes(frame, format, sizeof(float), name);
        var codes = PlanarImage.Packed(frame.Width, frame.Height, format, new byte[format.FrameBytes(frame.Width, frame.Height)]);
        var result = new FloatFrame(codes, host);
        if (fill)
        {
            result.ToCodes();
        }
        return result;
    }

    /// <summary>Writes the codes back into the caller's float planes.</summary>
    public void WriteBack() => ForEachRow(static (codes, host, zero, span) =>
    {
        for (int x = 0; x < host.Length; x++)
        {
            host[x] = (BinaryPrimitives.ReadUInt16LittleEndian(codes[(2 * x)..]) - zero) / span;
        }
    });

    private void ToCodes() => ForEachRow(static (codes, host, zero, span) =>
    {
        for (int x = 0; x < host.Length; x++)
        {
            float code = MathF.Round(host[x] * span + zero, MidpointRounding.ToEven);
            // NaN compares false both ways and becomes 0, as a clipped value would.
            ushort clipped = code >= ushort.MaxValue ? ushort.MaxValue : code > 0 ? (ushort)code : (ushort)0;
            BinaryPrimitives.WriteUInt16LittleEndian(codes[(2 * x)..], clipped);
        }
    });

    /// <summary>A row of 16-bit codes and the same row of the caller's floats, with the plane's levels.</summary>
    private delegate void RowConversion(Span<byte> codes, Span<float> host, float zero, float span);

    private void ForEachRow(RowConversion convert)
    {
        for (int plane = 0; plane < _host.Length; plane++)
        {
            var (zero, span) = Levels(plane);
            var (width, height) = Codes.Format.PlaneSize(plane, Codes.Width, Codes.Height);
            var codes = Codes.Planes[plane];
            var host = _host[plane];
            for (int y = 0; y < height; y++)
            {
                convert(codes.Data.Span.Slice(y * codes.Stride, width * 2),
                    MemoryMarshal.Cast<byte, float>(host.Data.Span.Slice(y * host.Stride, width * sizeof(float))), zero, span);
            }
        }
    }

    private (float Zero, float Span) Levels(int plane) =>
        plane > 0 && Codes.Format.IsYuv ? (ChromaZero, ChromaSpan) : (LumaZero, LumaSpan);
}
