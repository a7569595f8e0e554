using System.Runtime.InteropServices;

namespace SeRanet.Video.Cli;

/// <summary>
/// Keeps glibc from handing libtorch's large activation buffers back to the kernel after every
/// forward pass. By default each multi-megabyte tensor is a fresh mmap, so every frame pays for
/// page faults and zeroing of a few hundred megabytes; on two cores that was a third of the model's
/// time (`seranet bench --size 640x360`: 1.6 against 3.0 output megapixels per second) for about
/// 10% more peak memory. Process-wide, so only the tool sets it, never the libraries or the plugin.
/// Blocks above 32 MiB, and any block a worker thread's arena cannot hold, still get a mapping of
/// their own; <see cref="SingleArenaRestart"/> removes those for every command but <c>image</c>.
/// </summary>
internal static partial class NativeHeap
{
    private const int TrimThreshold = -1;
    private const int TopPad = -2;
    private const int MmapThreshold = -3;

    /// <summary>
    /// <c>SERANET_DEFAULT_MALLOC=1</c>: the user asks for glibc's allocator as it comes, without these
    /// thresholds and without <see cref="SingleArenaRestart"/>.
    /// </summary>
    public static bool DefaultsRequested => Environment.GetEnvironmentVariable("SERANET_DEFAULT_MALLOC") == "1";

    public static void TuneForLargeTensors()
    {
        if (!OperatingSystem.IsLinux() || DefaultsRequested)
        {
            return;
        }
        try
        {
            // 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems.
            _ = Mallopt(MmapThreshold, 32 << 20);
            _ = Mallopt(TrimThreshold, 1 << 30);
            _ = Mallopt(TopPad, 256 << 20);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: its allocator has its own policy.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
