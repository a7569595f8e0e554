using System.Runtime.InteropServices;
using SeRanet.Video.Native.Interop;
using SeRanet.Video.Native.Loading;

namespace SeRanet.Video.Native;

/// <summary>
/// The functions of include/seranet.h. Each one catches everything: an exception that reached
/// the C caller would end its process, so failures become a status and a message for
/// seranet_last_error. The export names are pinned by a test reading <c>nm -D</c>.
/// </summary>
internal static unsafe class Exports
{
    public const int AbiVersionNumber = 4;

    // Far beyond any seranet_options there will be; a larger size is a caller's mistake.
    private const uint MaxOptionsSize = 4096;

    [UnmanagedCallersOnly(EntryPoint = "seranet_abi_version")]
    public static int AbiVersion() => AbiVersionNumber;

    [UnmanagedCallersOnly(EntryPoint = "seranet_init_options")]
    public static void InitOptions(NativeOptions* options, uint size) => WriteDefaults(options, size);

    // ABI 2's function, which programs built against that header call: its struct is 40 bytes, so
    // writing today's larger one would overrun theirs.
    [UnmanagedCallersOnly(EntryPoint = "seranet_default_options")]
    public static void DefaultOptions(NativeOptions* options) => WriteDefaults(options, NativeOptions.Abi2Size);

    private static void WriteDefaults(NativeOptions* options, uint size)
    {
        // Nothing can be reported from here: a size that is no struct's is left alone.
        if (options is null || size < sizeof(uint) || size > MaxOptionsSize)
        {
            return;
        }
        // A newer header's fields this library does not know: zero, which is their default.
        new Span<byte>(options, (int)size).Clear();
        var defaults = new NativeOptions { StructSize = size, Scale = 2, Batch = 1 };
        Buffer.MemoryCopy(&defaults, options, size, Math.Min(size, (uint)sizeof(NativeOptions)));
    }

    [UnmanagedCallersOnly(EntryPoint = "seranet_open")]
    public static NativeStatus Open(NativeOptions* options, nint* upscaler) => Guard(() =>
    {
        if (upscaler is null)
        {
            throw new ArgumentNullException(nameof(upscaler), "upscaler (the handle's address) is NULL.");
        }
        *upscaler = 0;
        TorchLibraries.EnsureLoaded();
        var opened = NativeUpscaler.Open(UpscalerSettings.From(options));
        *upscaler = GCHandle.ToIntPtr(GCHandle.Alloc(opened));
    });

    [UnmanagedCallersOnly(EntryPoint = "seranet_output_size")]
    public static NativeStatus OutputSize(nint upscaler, int width, int height, int* outWidth, int* outHeight) => Guard(() =>
    {
        if (outWidth is null || outHeight is null)
        {
            throw new ArgumentNullException(nameof(outWidth), "out_width and out_height must not be NULL.");
        }
        (*outWidth, *outHeight) = FromHandle(upscaler).OutputSize(width, height);
    });

    [UnmanagedCallersOnly(EntryPoint = "seranet_process")]
    public static NativeStatus Process(nint upscaler, NativeFrame* input, NativeFrame* output) => Guard(() =>
    {
        if (input is null || output is null)
        {
            throw new ArgumentNullException(nameof(input), "input and output frames must not be NULL.");
        }
        FromHandle(upscaler).Process(new ReadOnlySpan<NativeFrame>(input, 1), new ReadOnlySpan<NativeFrame>(output, 1));
    });

    [UnmanagedCallersOnly(EntryPoint = "seranet_process_batch")]
    public static NativeStatus ProcessBatch(nint upscaler, NativeFrame* inputs, NativeFrame* outputs, int count) => Guard(() =>
    {
        if (count < 0 || (count > 0 && (inputs is null || outputs is null)))
        {
            throw new ArgumentException($"count is {count} and the frame arrays must not be NULL.", nameof(count));
        }
        FromHandle(upscaler).Process(new ReadOnlySpan<NativeFrame>(inputs, count), new ReadOnlySpan<NativeFrame>(outputs, count));
    });

    [UnmanagedCallersOnly(EntryPoint = "seranet_warnings")]
    public static byte* Warnings(nint upscaler)
    {
        nint warnings = 0;
        return Guard(() => warnings = (nint)FromHandle(upscaler).Warnings) == NativeStatus.Ok ? (byte*)warnings : null;
    }

    [UnmanagedCallersOnly(EntryPoint = "seranet_last_error")]
    public static byte* LastErrorMessage() => LastError.Current;

    [UnmanagedCallersOnly(EntryPoint = "seranet_close")]
    public static void Close(nint upscaler)
    {
        if (upscaler == 0)
        {
            return;
        }
        try
        {
            var handle = GCHandle.FromIntPtr(upscaler);
            (handle.Target as NativeUpscaler)?.Dispose();
            handle.Free();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // A handle that was never ours, or closed twice: nothing to free, and close cannot report.
        }
    }

    private static NativeUpscaler FromHandle(nint upscaler)
    {
        if (upscaler == 0)
        {
            throw new ArgumentNullException(nameof(upscaler), "upscaler is NULL.");
        }
        return GCHandle.FromIntPtr(upscaler).Target as NativeUpscaler
            ?? throw new ArgumentException("upscaler is closed or not a seranet_upscaler.", nameof(upscaler));
    }

    private delegate void Call();

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Nothing may cross into C.")]
    private static NativeStatus Guard(Call call)
    {
        try
        {
            call();
            LastError.Clear();
            return NativeStatus.Ok;
        }
        catch (Exception ex)
        {
            LastError.Set(ex.Message);
            return StatusFor(ex);
        }
    }

    private static NativeStatus StatusFor(Exception ex) => ex switch
    {
        Upscaler.Weights.ModelNotFoundException or FileNotFoundException or InvalidDataException => NativeStatus.Model,
        ArgumentException => NativeStatus.Argument,
        InvalidOperationException when ex.Message.Contains("CUDA", StringComparison.Ordinal) => NativeStatus.Device,
        _ => NativeStatus.Runtime,
    };
}
