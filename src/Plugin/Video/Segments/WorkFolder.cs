using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SeRanet.Video.Plugin.Video.Segments;

/// <summary>
/// The hidden folder beside an output where a segmented job keeps its chunks:
/// <c>manifest.json</c> (the settings that produce the chunks and the segments they cover) and,
/// per finished chunk, <c>chunk-NNNNN.nut</c> with its record <c>chunk-NNNNN.json</c> (frame
/// range, SHA-256, start times). A record is written only after its chunk is complete and on disk,
/// and each shard writes only its own chunks' records, so runs on several machines never write the
/// same file and a run killed at any point leaves nothing that passes for a finished chunk.
/// </summary>
public sealed class WorkFolder
{
    private const string ManifestName = "manifest.json";
    private const string JoinLockName = "join.lock";
    private const int MaxNameBytes = 255;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private WorkFolder(string path) => FolderPath = path;

    public string FolderPath { get; }

    /// <summary>The work folder of <paramref name="outputPath"/>: ".NAME.seranet-work" beside it.</summary>
    public static WorkFolder Beside(string outputPath)
    {
        string full = Path.GetFullPath(outputPath);
        const string suffix = ".seranet-work";
        string name = Path.GetFileName(full);
        if (Encoding.UTF8.GetByteCount(name) + 1 + suffix.Length > MaxNameBytes)
        {
            // A long name is cut and told apart from its siblings by a hash of the whole.
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
            while (Encoding.UTF8.GetByteCount(name) + 1 + 1 + hash.Length + suffix.Length > MaxNameBytes)
            {
                name = name[..^1];
            }
            name = name + "-" + hash;
        }
        return new WorkFolder(Path.Combine(Path.GetDirectoryName(full)!, "." + name + suffix));
    }

    private sealed record Manifest(int Version, JobSettings Settings, IReadOnlyList<Segment> Segments);

    /// <summary>
    /// Makes the folder ready for <paramref name="settings"/>: an existing folder made with the
    /// same settings is kept (its chunks resume the job); one made with other settings is emptied.
    /// </summary>
    /// <returns>Null when the folder was kept or new; else the settings that differed.</returns>
    public IReadOnlyList<string>? Open(JobSettings settings, SegmentPlan plan)
    {
        IReadOnlyList<string>? changed = null;
        string manifestPath = Path.Combine(FolderPath, ManifestName);
        if (Directory.Exists(FolderPath))
        {
            Manifest? old = null;
            try
            {
                old = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), Json);
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                // No readable manifest: whatever is there cannot be trusted.
            }
            if (old is not null && old.Settings.Differences(settings) is { Count: 0 } && old.Segments.SequenceEqual(plan.Segments))
            {
                return null;
            }
            changed = old is null ? ["manifest missing or unreadable"] : old.Settings.Differences(settings) is { Count: > 0 } differences ? differences : ["segments"];
            Directory.Delete(FolderPath, recursive: true);
        }
        // The folder appears with its manifest already inside (made under another name, then
        // renamed), so shards starting together never see a folder without one.
        string making = FolderPath + string.Create(CultureInfo.InvariantCulture, $".{Environment.ProcessId}.new");
        Directory.CreateDirectory(making);
        WriteDurably(Path.Combine(making, ManifestName), JsonSerializer.Serialize(new Manifest(1, settings, plan.Segments), Json));
        try
        {
            Directory.Move(making, FolderPath);
        }
        catch (IOException) when (Directory.Exists(FolderPath))
        {
            // Another shard made it first, with the same settings or not: check it as above.
            Directory.Delete(making, recursive: true);
            var found = Open(settings, plan);
            return changed ?? found;
        }
        return changed;
    }

    public string ChunkPath(Segment segment) => Path.Combine(FolderPath, ChunkName(segment.Index));

    private static string ChunkName(int index) => string.Create(CultureInfo.InvariantCulture, $"chunk-{index:D5}.nut");

    private string RecordPath(int index) => Path.Combine(FolderPath, string.Create(CultureInfo.InvariantCulture, $"chunk-{index:D5}.json"));

    /// <summary>The record of a finished chunk for <paramref name="segment"/> whose file is there with its recorded size and checksum; else null.</summary>
    public ChunkRecord? Finished(Segment segment)
    {
        ChunkRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<ChunkRecord>(File.ReadAllText(RecordPath(segment.Index)), Json);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
        string chunk = ChunkPath(segment);
        if (record is null || record.Index != segment.Index || record.FirstFrame != segment.FirstFrame || record.FrameCount != segment.FrameCount
            || !File.Exists(chunk) || new FileInfo(chunk).Length != record.Bytes || !string.Equals(Sha256Of(chunk), record.Sha256, StringComparison.Ordinal))
        {
            return null;
        }
        return record;
    }

    /// <summary>Makes the chunk's bytes durable, then records it: from here on it counts as finished.</summary>
    public ChunkRecord Record(Segment segment, string timeBase, long firstTimestamp, long startPts, long startMicroseconds, long decodedFrames)
    {
        string chunk = ChunkPath(segment);
        using (var stream = new FileStream(chunk, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Flush(flushToDisk: true);
        }
        var record = new ChunkRecord(segment.Index, segment.FirstFrame, segment.FrameCount, new FileInfo(chunk).Length, Sha256Of(chunk), timeBase, firstTimestamp, startPts, startMicroseconds,
            decodedFrames < segment.FrameCount ? decodedFrames : null);
        WriteDurably(RecordPath(segment.Index), JsonSerializer.Serialize(record, Json));
        return record;
    }

    /// <summary>Writes the ffconcat list for the join and returns its path.</summary>
    public string WriteJoinList(string text)
    {
        string path = Path.Combine(FolderPath, "join.ffconcat");
        WriteDurably(path, text);
        return path;
    }

    /// <summary>
    /// Claims the join, so that of several shards finishing together only one joins. False when
    /// another live process on this machine, or any process elsewhere, holds it.
    /// </summary>
    public bool TryClaimJoin()
    {
        string path = Path.Combine(FolderPath, JoinLockName);
        string mine = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} {Environment.ProcessId}");
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                stream.Write(Encoding.UTF8.GetBytes(mine));
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                // The folder is gone: another run has joined and removed it.
                return false;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Held: taken over only from a dead process of this machine (a killed join).
                string[] holder = SafeRead(path).Split(' ');
                if (holder.Length != 2 || holder[0] != Environment.MachineName
                    || !int.TryParse(holder[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || IsRunning(pid))
                {
                    return false;
                }
                File.Delete(path);
            }
        }
        return false;
    }

    /// <summary>Removes the folder and everything in it, after a successful join.</summary>
    public void Delete() => Directory.Delete(FolderPath, recursive: true);

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Writes a small file under a temporary name, flushed to disk, then renames it: a crash leaves the old file or the new, never half of one.</summary>
    private static void WriteDurably(string path, string text)
    {
        string temporary = path + string.Create(CultureInfo.InvariantCulture, $".{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
