using System.Globalization;
using System.Text;

namespace SeRanet.Video.Core.Files;

/// <summary>
/// An advisory lock on an output name, so a second job to the same output fails at once instead
/// of writing over the first one's temporary file and work folder. It is a hidden file beside the
/// output (".NAME.seranet-lock") held open with an exclusive flock, which .NET takes for
/// <see cref="FileShare.None"/> on Linux: the kernel drops the lock when its process dies, however
/// it dies, so a killed run never blocks the next one. The message names the holding process.
/// </summary>
public sealed class OutputLock : IDisposable
{
    private const int MaxNameBytes = 255;
    private const string Suffix = ".seranet-lock";

    private readonly FileStream _stream;

    private OutputLock(string path, FileStream stream)
    {
        LockPath = path;
        _stream = stream;
    }

    public string LockPath { get; }

    /// <summary>The lock file of <paramref name="outputPath"/>.</summary>
    public static string PathFor(string outputPath)
    {
        string full = Path.GetFullPath(outputPath);
        string name = Path.GetFileName(full);
        while (Encoding.UTF8.GetByteCount(name) + 1 + Suffix.Length > MaxNameBytes)
        {
            name = name[..^1];
        }
        return Path.Combine(Path.GetDirectoryName(full)!, "." + name + Suffix);
    }

    /// <exception cref="OutputBusyException">Another live job holds the output.</exception>
    public static OutputLock Take(string outputPath)
    {
        string path = PathFor(outputPath);
        // A holder that releases deletes the file while still locking it; a taker that opened the old
        // file in that moment holds a lock on a name that is gone, so it checks the name is still its file.
        for (int attempt = 0; attempt < 5; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                throw new OutputBusyException(Path.GetFullPath(outputPath), HolderOf(path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot write in {Path.GetDirectoryName(path)} ({ex.Message.Split(" : ")[0].TrimEnd('.')}); choose an output folder you can write to.", ex);
            }
            if (IsStillNamed(stream))
            {
                return new OutputLock(path, stream);
            }
            stream.Dispose();
        }
        throw new OutputBusyException(Path.GetFullPath(outputPath), HolderOf(path));
    }

    /// <summary>Whether the open file still has its name (Linux names an unlinked file "... (deleted)").</summary>
    private static bool IsStillNamed(FileStream stream)
    {
        string link = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}");
        try
        {
            // Compared by the marker, not the name: the link holds the real path, which differs where a parent folder is a symbolic link.
            return !File.Exists(link) || new FileInfo(link).LinkTarget is not { } target || !target.EndsWith(" (deleted)", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>
    /// The process that has the lock file open, as "process PID: COMMAND LINE": a flocked file
    /// cannot be read by another opener in .NET, so the holder is found by its open files instead.
    /// </summary>
    private static string HolderOf(string path)
    {
        try
        {
            foreach (string process in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
                {
                    continue;
                }
                try
                {
                    if (Directory.EnumerateFiles(Path.Combine(process, "fd")).Any(fd => new FileInfo(fd).LinkTarget == path))
                    {
                        string command = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ').Trim();
                        return string.Create(CultureInfo.InvariantCulture, $"process {pid}: {(command.Length > 200 ? command[..200] + "..." : command)}");
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile, or another user's: not ours to name.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return "";
    }

    public void Dispose()
    {
        try
        {
            File.Delete(LockPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind, it blocks nothing: the lock is on the open file, released below.
        }
        _stream.Dispose();
    }
}

/// <summary>Another job is writing the same output; the message names it.</summary>
public sealed class OutputBusyException(string path, string holder)
    : IOException($"Another run is writing {path}{(holder.Length > 0 ? $" ({holder})" : "")}; wait for it to finish or choose another output name.")
{
    public string Path { get; } = path;

    public string Holder { get; } = holder;
}
