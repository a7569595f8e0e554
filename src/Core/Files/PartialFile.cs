using System.Diagnostics;
using System.Text;

namespace SeRanet.Video.Core.Files;

/// <summary>
/// The hidden sibling a job writes before renaming it to the final name, so that a half-written
/// file never carries that name. The name records the writing process (".NAME.PID-RANDOM.partial.EXT"),
/// which lets a later run to the same output remove what a killed run left behind (SIGKILL and
/// power cuts run no clean-up) without touching the file of a run still in progress.
/// </summary>
public static class PartialFile
{
    /// <summary>The longest file name Linux file systems take, in bytes.</summary>
    private const int MaxNameBytes = 255;

    private const string Marker = ".partial";

    /// <summary>A new temporary path beside <paramref name="finalPath"/>, with the same extension (muxers choose by it).</summary>
    public static string Beside(string finalPath)
    {
        string fullPath = Path.GetFullPath(finalPath);
        string extension = Path.GetExtension(fullPath);
        string suffix = $".{Environment.ProcessId}-{Random.Shared.Next():x8}{Marker}{extension}";
        string stem = Shorten(Path.GetFileNameWithoutExtension(fullPath), MaxNameBytes - 1 - Encoding.UTF8.GetByteCount(suffix));
        return Path.Combine(Path.GetDirectoryName(fullPath)!, "." + stem + suffix);
    }

    /// <summary>
    /// Deletes the temporary files of earlier runs to <paramref name="finalPath"/> whose process is
    /// gone. Best effort: a file that cannot be listed or deleted is left alone.
    /// </summary>
    public static void RemoveAbandoned(string finalPath)
    {
        string fullPath = Path.GetFullPath(finalPath);
        string folder = Path.GetDirectoryName(fullPath)!;
        string extension = Path.GetExtension(fullPath);
        string stem = Path.GetFileNameWithoutExtension(fullPath);
        try
        {
            foreach (string path in Directory.EnumerateFiles(folder, ".*" + Marker + extension))
            {
                if (OwnerOf(Path.GetFileName(path), stem, extension) is int owner && !IsRunning(owner))
                {
                    File.Delete(path);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The process id in a temporary name made by <see cref="Beside"/> for this output, or null.</summary>
    private static int? OwnerOf(string name, string stem, string extension)
    {
        string tail = Marker + extension;
        if (!name.EndsWith(tail, StringComparison.Ordinal))
        {
            return null;
        }
        string withoutTail = name[..^tail.Length];
        int dot = withoutTail.LastIndexOf('.');
        if (dot <= 0)
        {
            return null;
        }
        // Beside shortens the stem only for names at the length limit.
        string written = withoutTail[1..dot];
        bool sameOutput = written == stem || (Encoding.UTF8.GetByteCount(name) == MaxNameBytes && stem.StartsWith(written, StringComparison.Ordinal));
        if (!sameOutput)
        {
            return null;
        }
        string[] owner = withoutTail[(dot + 1)..].Split('-');
        return owner.Length == 2 && int.TryParse(owner[0], out int pid) ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The longest prefix of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    private static string Shorten(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }
        var builder = new StringBuilder();
        int bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
            {
                break;
            }
            builder.Append(rune.ToString());
        }
        return builder.ToString();
    }
}
