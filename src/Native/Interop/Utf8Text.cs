using System.Runtime.InteropServices;
using System.Text;

namespace SeRanet.Video.Native.Interop;

/// <summary>Strings handed to C: NUL-terminated UTF-8 in native memory, freed with <see cref="NativeMemory.Free"/>.</summary>
internal static unsafe class Utf8Text
{
    public static byte* Allocate(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        byte* buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(buffer, length));
        buffer[length] = 0;
        return buffer;
    }
}
