using System.Runtime.InteropServices;

namespace SeRanet.Video.Native.Interop;

// The structs of include/seranet.h, field for field. A caller built against an older header passes
// a smaller struct_size; fields past it read as their defaults.

/// <summary>seranet_status.</summary>
internal enum NativeStatus
{
    Ok = 0,
    Argument = 1,
    Model = 2,
    Device = 3,
    Runtime = 4,
}

/// <summary>seranet_options.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeOptions
{
    public uint StructSize;
    public nint Model;
    public double Scale;
    public int Device;
    public int Tile;
    public int Batch;
}

/// <summary>seranet_frame.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeFrame
{
    public uint StructSize;
    public int Format;
    public int Bits;
    public int Range;
    public int Matrix;
    public int ChromaSiting;
    public int Width;
    public int Height;
    public fixed long Planes[3];
    public fixed long Strides[3];
}
