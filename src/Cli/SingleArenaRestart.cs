using System.Runtime.InteropServices;

namespace SeRanet.Video.Cli;

/// <summary>
/// Starts the process again, once, with glibc's malloc limited to one arena and no per-block mmap
/// (<c>GLIBC_TUNABLES</c>), for every command but <c>image</c>. Arenas are made as threads first
/// allocate, before <c>Main</c> runs, so <c>mallopt</c> from here comes too late for them; only the
/// environment glibc reads at start-up sets them for every thread.
/// </summary>
/// <remarks>
/// Why: the network runs on worker threads, and a worker's arena holds at most 64 MiB, so each
/// larger activation buffer (a 720p tile's are hundreds of megabytes) was mapped on its own and
/// unmapped on free, whatever <see cref="NativeHeap"/> asked; every frame then page-faulted in
/// fresh, zeroed memory. With one arena and no mmap the buffers stay on the heap and are reused.
/// On 6 frames of a 720p clip that took page faults from about 1.6 million to 0.35 million and the
/// run 2.4 times faster, for a third more peak memory (<c>bench/heap.sh</c>). The workers
/// allocate few, large blocks, so sharing one arena's lock costs nothing measurable.
/// <c>image</c> is left out because the restart costs start-up time (the runtime starts twice: about
/// 0.09 s for <c>--version</c>) that a few small photos would feel; the repository's <c>./seranet</c>
/// launcher sets the same tunables before the tool starts, which costs nothing and covers <c>image</c>
/// too, so only a tool run some other way (the NuGet tool package) restarts. The new process is the same
/// program (<c>/proc/self/exe</c>) with the same arguments, environment, process id and open files;
/// if the restart fails, this one goes on with glibc's defaults.
/// </remarks>
internal static unsafe partial class SingleArenaRestart
{
    /// <summary>The settings, as glibc spells them; their presence also marks the restarted process.</summary>
    public const string Tunables = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0";

    private const string TunablesVariable = "GLIBC_TUNABLES";

    /// <summary>What this process's allocator does with large buffers, for --verbose.</summary>
    public static string Describe() => InEffect
        ? $"memory: one malloc arena, no mmap per block, so frames reuse their buffers ({TunablesVariable}={Environment.GetEnvironmentVariable(TunablesVariable)})"
        : "memory: glibc's default malloc arenas (large buffers mapped afresh for each frame)";

    /// <summary>Whether glibc read our tunables when this process started (the launcher's, or a restart's).</summary>
    private static bool InEffect =>
        (Environment.GetEnvironmentVariable(TunablesVariable) ?? "").Contains(Tunables, StringComparison.Ordinal);

    public static void IfNeeded(string[] args)
    {
        if (!OperatingSystem.IsLinux() || args.Length == 0 || args[0] == Commands.ImageCommand.Name || NativeHeap.DefaultsRequested || InEffect)
        {
            return;
        }
        try
        {
            // The process's own argument and environment blocks, byte for byte (not .NET's view of them).
            byte[][] argv = Entries(File.ReadAllBytes("/proc/self/cmdline"));
            byte[][] environment = WithTunables(Entries(File.ReadAllBytes("/proc/self/environ")));
            Exec(argv, environment);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // No /proc or no execve: go on with glibc's defaults.
        }
    }

    /// <summary>The NUL-terminated entries of a /proc block, each without its NUL.</summary>
    private static byte[][] Entries(byte[] block)
    {
        var entries = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < block.Length; i++)
        {
            if (block[i] == 0)
            {
                entries.Add(block[start..i]);
                start = i + 1;
            }
        }
        if (start < block.Length)
        {
            entries.Add(block[start..]);
        }
        return [.. entries];
    }

    private static byte[][] WithTunables(byte[][] environment)
    {
        byte[] prefix = System.Text.Encoding.ASCII.GetBytes(TunablesVariable + "=");
        int existing = Array.FindIndex(environment, entry => entry.AsSpan().StartsWith(prefix));
        var result = environment.ToList();
        if (existing < 0)
        {
            result.Add([.. prefix, .. System.Text.Encoding.ASCII.GetBytes(Tunables)]);
        }
        else
        {
            // The user's own tunables stay; a setting named twice takes the later value.
            result[existing] = [.. environment[existing], (byte)':', .. System.Text.Encoding.ASCII.GetBytes(Tunables)];
        }
        return [.. result];
    }

    /// <summary>Returns only if execve failed.</summary>
    private static void Exec(byte[][] argv, byte[][] environment)
    {
        var blocks = new List<nint>();
        try
        {
            nint* args = NullTerminated(argv, blocks);
            nint* env = NullTerminated(environment, blocks);
            fixed (byte* path = "/proc/self/exe\0"u8)
            {
                _ = Execve(path, args, env);
            }
        }
        finally
        {
            blocks.ForEach(Marshal.FreeHGlobal);
        }
    }

    private static nint* NullTerminated(byte[][] entries, List<nint> blocks)
    {
        var array = (nint*)Marshal.AllocHGlobal(sizeof(nint) * (entries.Length + 1));
        blocks.Add((nint)array);
        for (int i = 0; i < entries.Length; i++)
        {
            nint copy = Marshal.AllocHGlobal(entries[i].Length + 1);
            blocks.Add(copy);
            entries[i].CopyTo(new Span<byte>((void*)copy, entries[i].Length));
            ((byte*)copy)[entries[i].Length] = 0;
            array[i] = copy;
        }
        array[entries.Length] = 0;
        return array;
    }

    [LibraryImport("libc", EntryPoint = "execve")]
    private static partial int Execve(byte* path, nint* argv, nint* envp);
}
