using System.Runtime.InteropServices;
using TorchSharp;

namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>
/// Turns libtorch's oneDNN (mkldnn) kernels off or on for the whole process, the switch Python
/// spells <c>torch.backends.mkldnn.enabled</c>. TorchSharp does not wrap it, so this calls
/// <c>at::globalContext().setUserEnabledMkldnn(bool)</c> in libtorch_cpu directly: two exported C++
/// functions with stable mangled names, called with the System V convention (the context pointer
/// first). With oneDNN off, convolutions take ATen's own im2col + GEMM path: slower, and exact on
/// every CPU.
/// </summary>
/// <remarks>
/// Unlike <c>ONEDNN_MAX_CPU_ISA</c>, which oneDNN reads once before its first kernel, this works
/// after kernels have run, so a check can try the fast path first and fall back.
/// </remarks>
public static class OneDnnSwitch
{
    private const string TorchLibrary = "libtorch_cpu.so";
    private const string GlobalContextSymbol = "_ZN2at13globalContextEv";
    private const string SetEnabledSymbol = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private const string GetEnabledSymbol = "_ZNK2at7Context17userEnabledMkldnnEv";

    /// <summary>Whether libtorch may use oneDNN now.</summary>
    public static unsafe bool IsEnabled
    {
        get
        {
            var (context, _, get) = Resolve();
            return ((delegate* unmanaged<IntPtr, byte>)get)(context) != 0;
        }
    }

    /// <summary>Enables or disables oneDNN for every libtorch operation in this process from now on.</summary>
    /// <exception cref="PlatformNotSupportedException">This libtorch does not export the switch.</exception>
    public static unsafe void SetEnabled(bool enabled)
    {
        var (context, set, _) = Resolve();
        ((delegate* unmanaged<IntPtr, byte, void>)set)(context, enabled ? (byte)1 : (byte)0);
    }

    private static unsafe (IntPtr Context, IntPtr Set, IntPtr Get) Resolve()
    {
        // TorchSharp loads libtorch when torch is first touched; after that dlopen finds the
        // loaded copy by its soname, wherever it was loaded from.
        _ = torch.get_num_threads();
        if (!NativeLibrary.TryLoad(TorchLibrary, out IntPtr library)
            || !NativeLibrary.TryGetExport(library, GlobalContextSymbol, out IntPtr globalContext)
            || !NativeLibrary.TryGetExport(library, SetEnabledSymbol, out IntPtr set)
            || !NativeLibrary.TryGetExport(library, GetEnabledSymbol, out IntPtr get))
        {
            throw new PlatformNotSupportedException($"This libtorch build does not export the oneDNN switch ({TorchLibrary}: {SetEnabledSymbol}).");
        }
        IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
        return (context, set, get);
    }
}
