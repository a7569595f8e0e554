namespace SeRanet.Video.Plugin.Video;

/// <summary>
/// A segmented job was cancelled: the chunks it and earlier runs finished are kept in the work
/// folder, and the same job run again resumes from them. Shells word this for their users.
/// </summary>
public sealed class SegmentsKeptException(string workFolder, int finished, int total, Exception inner, CancellationToken token)
    : OperationCanceledException($"Cancelled with {finished} of {total} segments finished and kept in {workFolder}.", inner, token)
{
    public string WorkFolder { get; } = workFolder;

    public int Finished { get; } = finished;

    public int Total { get; } = total;
}
