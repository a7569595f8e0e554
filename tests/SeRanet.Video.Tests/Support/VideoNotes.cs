using SeRanet.Video.Plugin.Video;

namespace SeRanet.Video.Tests.Support;

/// <summary>
/// Collects what a video job says (<see cref="VideoProgress.Note"/>) as it reports progress. The
/// pipeline reports from its own threads, so adding is locked.
/// </summary>
public sealed class VideoNotes : IProgress<VideoProgress>
{
    private readonly List<VideoNote> _notes = [];

    /// <summary>Every note so far, in the order they came.</summary>
    public IReadOnlyList<VideoNote> All
    {
        get
        {
            lock (_notes)
            {
                return [.. _notes];
            }
        }
    }

    /// <summary>The warnings so far.</summary>
    public IReadOnlyList<VideoNote> Warnings => [.. All.Where(note => note.Kind == VideoNoteKind.Warning)];

    /// <summary>Whether a warning so far contains <paramref name="text"/>.</summary>
    public bool Warned(string text) => Warnings.Any(note => note.Text.Contains(text, StringComparison.Ordinal));

    public void Report(VideoProgress value)
    {
        if (value.Note is { } note)
        {
            lock (_notes)
            {
                _notes.Add(note);
            }
        }
    }
}
