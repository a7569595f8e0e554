using System.Runtime.InteropServices;

namespace SeRanet.Video.Native.Loading;

/// <summary>
/// The folder libseranet.so was loaded from. Inside a host (gst-launch, vspipe) the process's
/// AppContext.BaseDirectory is the host's folder, not ours, so the library asks the dynamic
/// loader which file holds one of its own functions.
/// </summary>
internal static unsafe partial class LibraryFolder
{
    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint FileBase;
        public nint SymbolName;
        public nint SymbolAddress;
    }

    [LibraryImport("libc.so.6", EntryPoint = "dladdr")]
    private static partial int DlAddr(void* address, out DlInfo info);

    private static readonly Lazy<string> Folder = new(Find);

    public static string Path => Folder.Value;

    private static string Find()
    {
        delegate* unmanaged<int> export = &Exports.AbiVersion;
        if (DlAddr(export, out DlInfo info) == 0 || info.FileName == 0)
        {
            throw new DllNotFoundException("libseranet could not find the file it was loaded from (dladdr failed).");
        }
        string file = Marshal.PtrToStringUTF8(info.FileName)!;
        return System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!;
    }
}
