using System.Buffers;

namespace SeRanet.Video.Native.Interop;

/// <summary>
/// A host's plane (a pointer and a length) as <see cref="Memory{T}"/>, so the engine's
/// <c>PlanarImage</c> reads and writes the host's buffer in place: no copy on the way in or out.
/// Valid for the one call that received the pointer.
/// </summary>
internal sealed unsafe class UnmanagedBytes(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
