using SeRanet.Video.Core.Imaging.Planar;

namespace SeRanet.Video.Native.Interop;

/// <summary>A seranet_frame read into the engine's <see cref="PlanarImage"/>, over the caller's memory.</summary>
internal static unsafe class FrameView
{
    /// <summary>seranet_frame.bits for 32-bit float samples (include/seranet.h, since ABI 2).</summary>
    public const int FloatBits = 32;

    public static bool IsFloat(in NativeFrame frame) => frame.Bits == FloatBits;

    /// <summary>An integer frame (8 to 16 bits) as a view of the caller's planes.</summary>
    public static PlanarImage Read(in NativeFrame frame, string name)
    {
        var format = FormatOf(frame, name, frame.Bits);
        return new PlanarImage(frame.Width, frame.Height, format, HostPlanes(frame, format, format.BytesPerSample, name));
    }

    /// <summary>
    /// The layout, range, matrix and siting of <paramref name="frame"/> with <paramref name="bitDepth"/>
    /// bits a sample; checks the struct size and the frame size.
    /// </summary>
    public static PlaneFormat FormatOf(in NativeFrame frame, string name, int bitDepth)
    {
        if (frame.StructSize != (uint)sizeof(NativeFrame))
        {
            throw new ArgumentException($"{name}.struct_size is {frame.StructSize}; set it to sizeof(seranet_frame) ({sizeof(NativeFrame)}).", name);
        }
        if (frame.Bits is not (>= 8 and <= 16) and not FloatBits)
        {
            throw new ArgumentException($"{name}.bits is {frame.Bits}; use 8 to 16 (integer samples) or 32 (float samples).", name);
        }
        var format = new PlaneFormat(Layout(frame.Format, name), bitDepth)
        {
            Range = frame.Range switch
            {
                0 => ColorRange.Limited,
                1 => ColorRange.Full,
                _ => throw new ArgumentException($"{name}.range is {frame.Range}; use SERANET_RANGE_LIMITED or _FULL.", name),
            },
            Matrix = frame.Matrix switch
            {
                0 => YuvMatrix.Bt709,
                1 => YuvMatrix.Bt601,
                2 => YuvMatrix.Bt2020,
                _ => throw new ArgumentException($"{name}.matrix is {frame.Matrix}; use a seranet_matrix.", name),
            },
            Siting = frame.ChromaSiting switch
            {
                0 => ChromaSiting.Center,
                1 => ChromaSiting.Left,
                2 => ChromaSiting.TopLeft,
                _ => throw new ArgumentException($"{name}.chroma_siting is {frame.ChromaSiting}; use a seranet_chroma_siting.", name),
            },
        };
        if (frame.Width < 1 || frame.Height < 1)
        {
            throw new ArgumentException($"{name} is {frame.Width}x{frame.Height}, not a frame size.", name);
        }
        return format;
    }

    /// <summary>The caller's planes of <paramref name="frame"/>, each checked to hold its rows of <paramref name="bytesPerSample"/>-byte samples.</summary>
    public static Plane[] HostPlanes(in NativeFrame frame, PlaneFormat format, int bytesPerSample, string name)
    {
        var planes = new Plane[format.PlaneCount];
        for (int i = 0; i < planes.Length; i++)
        {
            long stride = frame.Strides[i];
            byte* data = (byte*)frame.Planes[i];
            var (width, height) = format.PlaneSize(i, frame.Width, frame.Height);
            long rowBytes = (long)width * bytesPerSample;
            if (data is null)
            {
                throw new ArgumentException($"{name}.planes[{i}] is NULL; a {format.Layout} frame has {format.PlaneCount} planes.", name);
            }
            if (stride < rowBytes || stride > int.MaxValue)
            {
                throw new ArgumentException($"{name}.strides[{i}] is {stride}; plane {i} needs at least {rowBytes} bytes a row.", name);
            }
            long length = stride * (height - 1) + rowBytes;
            if (length > int.MaxValue)
            {
                throw new ArgumentException($"{name} plane {i} spans {length} bytes, more than one call takes (2 GiB).", name);
            }
            planes[i] = new Plane(new UnmanagedBytes(data, (int)length).Memory, (int)stride);
        }
        return planes;
    }

    private static PlaneLayout Layout(int format, string name) => format switch
    {
        0 => PlaneLayout.Gray,
        1 => PlaneLayout.Yuv420,
        2 => PlaneLayout.Yuv422,
        3 => PlaneLayout.Yuv444,
        4 => PlaneLayout.Rgb,
        _ => throw new ArgumentException($"{name}.format is {format}; use a seranet_format.", name),
    };
}
