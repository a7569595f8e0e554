namespace SeRanet.Video.Core.Imaging.Planar;

/// <summary>One plane of samples: row r starts at <c>r * Stride</c> bytes into <see cref="Data"/>.</summary>
public readonly record struct Plane(Memory<byte> Data, int Stride);

/// <summary>
/// A view of a planar picture whose planes live wherever the host keeps them (a pooled buffer,
/// a host's frame, native memory through a MemoryManager), each with its own stride. The view
/// owns nothing; see <see cref="PlanarFrame"/> for a picture that owns its buffer.
/// </summary>
public sealed class PlanarImage
{
    public PlanarImage(int width, int height, PlaneFormat format, IReadOnlyList<Plane> planes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(planes);
        if (planes.Count != format.PlaneCount)
        {
            throw new ArgumentException($"A {format.Layout} picture has {format.PlaneCount} planes, not {planes.Count}.", nameof(planes));
        }
        for (int i = 0; i < planes.Count; i++)
        {
            var (w, h) = format.PlaneSize(i, width, height);
            long rowBytes = (long)w * format.BytesPerSample;
            if (planes[i].Stride < rowBytes)
            {
                throw new ArgumentException($"Plane {i} has a stride of {planes[i].Stride} bytes, less than its {rowBytes}-byte rows.", nameof(planes));
            }
            long needed = (long)planes[i].Stride * (h - 1) + rowBytes;
            if (planes[i].Data.Length < needed)
            {
                throw new ArgumentException($"Plane {i} ({w}x{h}) needs {needed} bytes, not {planes[i].Data.Length}.", nameof(planes));
            }
        }
        Width = width;
        Height = height;
        Format = format;
        Planes = planes;
    }

    public int Width { get; }

    public int Height { get; }

    public PlaneFormat Format { get; }

    public IReadOnlyList<Plane> Planes { get; }

    /// <summary>Planes stored back to back without padding, as a y4m frame stores them.</summary>
    public static PlanarImage Packed(int width, int height, PlaneFormat format, Memory<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(format);
        var planes = new Plane[format.PlaneCount];
        int offset = 0;
        for (int i = 0; i < planes.Length; i++)
        {
            var (w, h) = format.PlaneSize(i, width, height);
            int rowBytes = w * format.BytesPerSample;
            if (buffer.Length < offset + rowBytes * h)
            {
                throw new ArgumentException($"{buffer.Length} bytes cannot hold a {width}x{height} {format} picture.", nameof(buffer));
            }
            planes[i] = new Plane(buffer.Slice(offset, rowBytes * h), rowBytes);
            offset += rowBytes * h;
        }
        return new PlanarImage(width, height, format, planes);
    }

    /// <summary>Whether another picture can be upscaled in one batch with this one.</summary>
    public bool SameShape(PlanarImage other) =>
        other.Width == Width && other.Height == Height && other.Format == Format;
}
