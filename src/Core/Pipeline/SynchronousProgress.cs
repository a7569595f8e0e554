namespace SeRanet.Video.Core.Pipeline;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, in order.
/// <see cref="Progress{T}"/> posts to the thread pool, so reports can arrive late or out of order,
/// and a note could land after the job's summary line.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            handler(value);
        }
    }
}
