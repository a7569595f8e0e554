using System.Globalization;

namespace SeRanet.Video.Plugin.Video.Segments;

/// <summary>
/// One share of a segmented job: shard <see cref="Index"/> (counted from 0, as Slurm array task ids
/// and Kubernetes completion indexes are) of <see cref="Count"/>. Each shard takes a contiguous run of
/// segments, so a machine reads one stretch of the source.
/// </summary>
public sealed record ShardChoice(int Index, int Count)
{
    /// <summary>Reads "K/N"; null when the text is not a shard of a positive count.</summary>
    public static ShardChoice? Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count > 0 && index < count)
        {
            return new ShardChoice(index, count);
        }
        return null;
    }

    /// <summary>This shard's segments: segment i belongs to shard floor(i * Count / total).</summary>
    public IReadOnlyList<Segment> Select(IReadOnlyList<Segment> segments) =>
        segments.Where(segment => (long)segment.Index * Count / segments.Count == Index).ToList();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
