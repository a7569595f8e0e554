using System.Threading.Channels;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// Gathers the model stages' batches: up to a batch size of frames that the network can take in
/// one pass with the first (same size and format); a frame of another shape waits for the next
/// batch. Read on the stage's own thread, so it blocks rather than awaits: the stage's torch
/// dispose scopes belong to that thread.
/// </summary>
internal static class SameShapeBatches
{
    /// <returns>False at the end of input, when there is nothing left to batch.</returns>
    public static bool Next<TFrame>(ChannelReader<TFrame> input, List<TFrame> batch, ref TFrame? heldBack, int batchSize,
        Func<TFrame, TFrame, bool> sameShape, CancellationToken cancellationToken) where TFrame : class
    {
        batch.Clear();
        if (heldBack is not null)
        {
            batch.Add(heldBack);
            heldBack = null;
        }
        while (batch.Count < batchSize)
        {
            if (!input.TryRead(out var frame))
            {
                if (!input.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                {
                    break;
                }
                continue;
            }
            if (batch.Count > 0 && !sameShape(frame, batch[0]))
            {
                heldBack = frame;
                break;
            }
            batch.Add(frame);
        }
        return batch.Count > 0;
    }
}
