using System.Buffers;

namespace SeRanet.Video.Core.Imaging;

/// <summary>
/// One interleaved RGB picture in a pooled buffer. Disposing returns the buffer to its pool,
/// so a pipeline that handles thousands of frames allocates only a few.
/// </summary>
public sealed class Frame : IVideoFrame
{
    private readonly ArrayPool<byte>? _pool;
    private byte[]? _buffer;

    private Frame(int width, int height, PixelFormat format, byte[] buffer, ArrayPool<byte>? pool)
    {
        Width = width;
        Height = height;
        Format = format;
        _buffer = buffer;
        _pool = pool;
    }

    public int Width { get; }

    public int Height { get; }

    public PixelFormat Format { get; }

    /// <summary>Position in the source, counting from 0.</summary>
    public long Index { get; init; }

    /// <summary>Presentation time in the source's time base, when the frame came from a video.</summary>
    public long? Pts { get; init; }

    public RawVideoFormat RawFormat => RawVideoFormat.Rgb(Format);

    public int ByteCount => Width * Height * Format.BytesPerPixel();

    /// <summary>The pixels: <see cref="ByteCount"/> bytes, rows top to bottom, no padding.</summary>
    public Span<byte> Data => (_buffer ?? throw new ObjectDisposedException(nameof(Frame))).AsSpan(0, ByteCount);

    /// <summary>The same pixels as <see cref="Data"/>, for asynchronous pipe reads and writes.</summary>
    public Memory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(Frame))).AsMemory(0, ByteCount);

    /// <summary>A frame whose buffer comes from <paramref name="pool"/> (shared pool when null).</summary>
    public static Frame Rent(int width, int height, PixelFormat format, ArrayPool<byte>? pool = null, long index = 0, long? pts = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        pool ??= ArrayPool<byte>.Shared;
        byte[] buffer = pool.Rent(checked(width * height * format.BytesPerPixel()));
        return new Frame(width, height, format, buffer, pool) { Index = index, Pts = pts };
    }

    /// <summary>A frame over a buffer it owns alone (tests, one-off images).</summary>
    public static Frame Wrap(int width, int height, PixelFormat format, byte[] data)
    {
        if (data.Length < width * height * format.BytesPerPixel())
        {
            throw new ArgumentException($"{data.Length} bytes cannot hold a {width}x{height} {format} frame.", nameof(data));
        }
        return new Frame(width, height, format, data, null);
    }

    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            _pool?.Return(buffer);
        }
    }
}
