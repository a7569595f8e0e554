namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>
/// Turns libtorch's oneDNN (mkldnn) kernels off or on for the whole process, the switch Python
/// spells <c>torch.backends.mkldnn.enabled</c>. With oneDNN off, convolutions take ATen's own
/// im2col + GEMM path: slower, and exact on every CPU.
/// </summary>
/// <remarks>
/// Unlike <c>ONEDNN_MAX_CPU_ISA</c>, which oneDNN reads once before its first kernel, this works
/// after kernels have run, so a check can try the fast path first and fall back.
/// </remarks>
public static class OneDnnSwitch
{
    /// <summary>Whether libtorch may use oneDNN now.</summary>
    public static bool IsEnabled => LibTorchContextFlag.OneDnn.IsEnabled;

    /// <summary>Enables or disables oneDNN for every libtorch operation in this process from now on.</summary>
    /// <exception cref="PlatformNotSupportedException">This libtorch does not export the switch.</exception>
    public static void SetEnabled(bool enabled) => LibTorchContextFlag.OneDnn.SetEnabled(enabled);
}
