using System.Threading.Channels;

namespace SeRanet.Video.Core.Pipeline;

/// <summary>
/// Who frees the items a pipeline's channels carry (pooled frame buffers): the stage that holds an
/// item until a channel has taken it, and whoever stops the pipeline for what is still queued.
/// </summary>
public static class QueuedItems
{
    /// <summary>
    /// Hands <paramref name="item"/> on to the next stage, or frees it when the hand-over is
    /// cancelled or refused (the channel completed): then no stage will ever read it.
    /// </summary>
    public static async ValueTask HandOnAsync<T>(this ChannelWriter<T> output, T item, CancellationToken cancellationToken) where T : IDisposable
    {
        try
        {
            await output.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            item.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="HandOnAsync"/> for a stage on a dedicated thread of its own (the network's: torch
    /// dispose scopes belong to a thread), which waits for room in the channel by blocking.
    /// </summary>
    public static void HandOn<T>(this ChannelWriter<T> output, T item, CancellationToken cancellationToken) where T : IDisposable =>
        output.HandOnAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Disposes every item left in <paramref name="reader"/>, returning pooled frame buffers: after a
    /// failure or a cancellation no stage will read them any more.
    /// </summary>
    public static void DisposeQueued<T>(this ChannelReader<T> reader) where T : IDisposable
    {
        while (reader.TryRead(out var item))
        {
            item.Dispose();
        }
    }
}
