using System.Threading.Channels;

namespace SeRanet.Video.Core.Pipeline;

/// <summary>What a pipeline does with the items still queued in its channels when it stops early.</summary>
public static class QueuedItems
{
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
