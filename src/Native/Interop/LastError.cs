using System.Runtime.InteropServices;

namespace SeRanet.Video.Native.Interop;

/// <summary>
/// seranet_last_error: one UTF-8 string per thread, owned by the library and replaced (freed) by
/// the next failure on that thread, as errno and sqlite3_errmsg do.
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic]
    private static byte* t_message;

    private static readonly byte* Empty = Utf8Text.Allocate("");

    public static byte* Current => t_message is null ? Empty : t_message;

    public static void Set(string message)
    {
        byte* previous = t_message;
        t_message = Utf8Text.Allocate(message);
        NativeMemory.Free(previous);
    }

    public static void Clear()
    {
        NativeMemory.Free(t_message);
        t_message = null;
    }
}
