using System.Runtime.InteropServices;
using TorchSharp;

namespace SeRanet.Video.Native.Loading;

/// <summary>
/// Loads libtorch from libseranet's own folder before TorchSharp looks for it. TorchSharp's
/// P/Invokes name "LibTorchSharp" and its start-up probes folders relative to the process, which
/// inside a host is the host's folder; loading libLibTorchSharp.so by its full path (its RUNPATH,
/// $ORIGIN, brings libtorch, libtorch_cpu and libc10 from beside it) and answering TorchSharp's
/// lookups with that handle makes the library work wherever it is installed.
/// </summary>
internal static class TorchLibraries
{
    private const string TorchSharpNative = "LibTorchSharp";

    private static readonly Lazy<nint> Handle = new(Load);

    /// <summary>Loads once; throws <see cref="DllNotFoundException"/> naming the folder when libtorch is not beside the library.</summary>
    public static void EnsureLoaded() => _ = Handle.Value;

    private static nint Load()
    {
        string file = Path.Combine(LibraryFolder.Path, "lib" + TorchSharpNative + ".so");
        if (!File.Exists(file))
        {
            throw new DllNotFoundException($"libtorch is not beside libseranet: {file} is missing (build-plugins.sh puts it there).");
        }
        nint handle = NativeLibrary.Load(file);
        NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, (name, _, _) => Resolve(name, handle));
        return handle;
    }

    private static nint Resolve(string name, nint torchSharp)
    {
        if (name == TorchSharpNative || name == "lib" + TorchSharpNative || name == "lib" + TorchSharpNative + ".so")
        {
            return torchSharp;
        }
        // libtorch's own libraries are loaded already (RUNPATH); their full paths find those copies.
        string beside = Path.Combine(LibraryFolder.Path, name.EndsWith(".so", StringComparison.Ordinal) ? name : name + ".so");
        return File.Exists(beside) && NativeLibrary.TryLoad(beside, out nint handle) ? handle : 0;
    }
}
