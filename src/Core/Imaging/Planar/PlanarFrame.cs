using System.Buffers;

namespace SeRanet.Video.Core.Imaging.Planar;

/// <summary>
/// A planar picture in one pooled buffer, planes back to back (the y4m frame layout), with its
/// place in a stream. Disposing returns the buffer to its pool.
/// </summary>
public sealed class PlanarFrame : IVideoFrame
{
    private readonly ArrayPool<byte> _pool;
    private byte[]? _buffer;

    private PlanarFrame(int width, int height, PlaneFormat format, byte[] buffer, ArrayPool<byte> pool)
    {
        Width = width;
        Height = height;
        Format = format;
        ByteCount = format.FrameBytes(width, height);
        _buffer = buffer;
        _pool = pool;
    }

    public int Width { get; }

    public int Height { get; }

    public PlaneFormat Format { get; }

    /// <summary>Position in the stream, counting from 0.</summary>
    public long Index { get; init; }

    /// <summary>Presentation time in the source's time base, when the frame came from a video.</summary>
    public long? Pts { get; init; }

    /// <summary>The frame as ffmpeg names it (see <see cref="RawVideoFormat.Planar"/>; planar RGB has no such name).</summary>
    public RawVideoFormat RawFormat => RawVideoFormat.Planar(Format);

    public int ByteCount { get; }

    /// <summary>All planes, <see cref="ByteCount"/> bytes, for pipe reads and writes.</summary>
    public Memory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PlanarFrame))).AsMemory(0, ByteCount);

    /// <summary>A view of the planes; valid until the frame is disposed.</summary>
    public PlanarImage Image => PlanarImage.Packed(Width, Height, Format, Memory);

    public static PlanarFrame Rent(int width, int height, PlaneFormat format, long index = 0, long? pts = null, ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(format);
        pool ??= ArrayPool<byte>.Shared;
        return new PlanarFrame(width, height, format, pool.Rent(format.FrameBytes(width, height)), pool) { Index = index, Pts = pts };
    }

    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            _pool.Return(buffer);
        }
    }
}
