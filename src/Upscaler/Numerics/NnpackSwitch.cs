namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>
/// Keeps libtorch from asking for NNPACK. Our convolutions are channels-last and run on oneDNN,
/// so NNPACK is never the kernel we want; but libtorch still tries to initialise it for plain
/// convolutions, and on CPUs NNPACK does not support that prints "Could not initialize NNPACK!
/// Reason: Unsupported hardware" about twice per frame. Disabled, libtorch does not ask.
/// </summary>
public static class NnpackSwitch
{
    public static bool IsEnabled => LibTorchContextFlag.Nnpack.IsEnabled;

    /// <summary>Turns NNPACK off for the process; a libtorch without the switch is left as it is.</summary>
    public static void Disable()
    {
        try
        {
            LibTorchContextFlag.Nnpack.SetEnabled(false);
        }
        catch (PlatformNotSupportedException)
        {
            // An older or differently built libtorch: at worst the warning is printed.
        }
    }
}
