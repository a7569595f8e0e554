using System.Runtime.InteropServices;
using TorchSharp;

namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>
/// One of libtorch's process-wide backend switches on <c>at::globalContext()</c> that TorchSharp
/// does not wrap (Python's <c>torch.backends.*.enabled</c>): a getter and a setter exported from
/// libtorch_cpu as C++ functions with stable mangled names, called with the System V convention
/// (the context pointer first).
/// </summary>
internal sealed class LibTorchContextFlag(string name, string setSymbol, string getSymbol)
{
    private const string TorchLibrary = "libtorch_cpu.so";
    private const string GlobalContextSymbol = "_ZN2at13globalContextEv";

    public static readonly LibTorchContextFlag OneDnn = new("oneDNN", "_ZN2at7Context20setUserEnabledMkldnnEb", "_ZNK2at7Context17userEnabledMkldnnEv");

    public static readonly LibTorchContextFlag Nnpack = new("NNPACK", "_ZN2at7Context20setUserEnabledNNPACKEb", "_ZNK2at7Context17userEnabledNNPACKEv");

    public unsafe bool IsEnabled
    {
        get
        {
            var (context, _, get) = Resolve();
            return ((delegate* unmanaged<IntPtr, byte>)get)(context) != 0;
        }
    }

    /// <exception cref="PlatformNotSupportedException">This libtorch does not export the switch.</exception>
    public unsafe void SetEnabled(bool enabled)
    {
        var (context, set, _) = Resolve();
        ((delegate* unmanaged<IntPtr, byte, void>)set)(context, enabled ? (byte)1 : (byte)0);
    }

    private unsafe (IntPtr Context, IntPtr Set, IntPtr Get) Resolve()
    {
        // TorchSharp loads libtorch when torch is first touched; after that dlopen finds the
        // loaded copy by its soname, wherever it was loaded from.
        _ = torch.get_num_threads();
        if (!NativeLibrary.TryLoad(TorchLibrary, out IntPtr library)
            || !NativeLibrary.TryGetExport(library, GlobalContextSymbol, out IntPtr globalContext)
            || !NativeLibrary.TryGetExport(library, setSymbol, out IntPtr set)
            || !NativeLibrary.TryGetExport(library, getSymbol, out IntPtr get))
        {
            throw new PlatformNotSupportedException($"This libtorch build does not export the {name} switch ({TorchLibrary}: {setSymbol}).");
        }
        IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
        return (context, set, get);
    }
}
