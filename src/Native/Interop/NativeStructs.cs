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
    // Since ABI 3. An ABI 2 caller's struct ends in 4 bytes of padding where Precision now is.
    public int Precision;
    public int Tta;
    public int Reserved;

    // sizeof(seranet_options) of each ABI that grew it (64-bit Linux). Later ABIs grow it by whole
    // 8 bytes with no padding at the end (as Reserved does here), so each size is its own.

    /// <summary>ABI 2: the fields through Batch and the padding after it.</summary>
    public const uint Abi2Size = 40;

    /// <summary>ABI 3: Precision, Tta and Reserved added.</summary>
    public const uint Abi3Size = 48;
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
