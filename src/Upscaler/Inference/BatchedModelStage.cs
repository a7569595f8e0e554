using System.Diagnostics;
using System.Threading.Channels;
using SeRanet.Video.Core.Imaging;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// The model stage of a video pipeline, whatever its frames: takes frames in order, upscales up
/// to a batch of same-shape frames per pass (a frame of another size or format waits for the next
/// batch), and passes the new frames on in the same order with the same index and time; it
/// disposes the frames it read. All model work runs on one dedicated thread because torch
/// dispose scopes are thread-local; that thread blocks on the channels instead of awaiting.
/// </summary>
public class BatchedModelStage<TFrame> : IModelStage<TFrame> where TFrame : class, IVideoFrame
{
    private readonly Func<IReadOnlyList<TFrame>, IReadOnlyList<TFrame>> _upscale;
    private readonly int _framesPerBatch;
    private readonly Action<long>? _framesDone;
    private long _modelTicks;

    /// <param name="upscale">
    /// Upscales a batch into new frames, one per input in order, called on the stage's thread; it
    /// leaves the inputs to the stage and disposes what it made itself when it fails.
    /// </param>
    /// <param name="framesDone">Called on the model thread with the running count after each batch.</param>
    public BatchedModelStage(Func<IReadOnlyList<TFrame>, IReadOnlyList<TFrame>> upscale, int framesPerBatch, Action<long>? framesDone = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerBatch, 1);
        _upscale = upscale;
        _framesPerBatch = framesPerBatch;
        _framesDone = framesDone;
    }

    /// <summary>Time spent in the model alone, to compare with the whole run's wall time.</summary>
    public TimeSpan ModelTime => TimeSpan.FromTicks(Interlocked.Read(ref _modelTicks));

    public Task RunAsync(ChannelReader<TFrame> input, ChannelWriter<TFrame> output, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(input, output, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(ChannelReader<TFrame> input, ChannelWriter<TFrame> output, CancellationToken cancellationToken)
    {
        var batch = new List<TFrame>(_framesPerBatch);
        var results = new List<TFrame>(_framesPerBatch);
        TFrame? heldBack = null;
        long done = 0;
        try
        {
            while (SameShapeBatches.Next(input, batch, ref heldBack, _framesPerBatch, SameShape, cancellationToken))
            {
                var clock = Stopwatch.StartNew();
                results.AddRange(_upscale(batch));
                Interlocked.Add(ref _modelTicks, clock.Elapsed.Ticks);
                done += batch.Count;
                DisposeAll(batch);
                while (results.Count > 0)
                {
                    output.WriteAsync(results[0], cancellationToken).AsTask().GetAwaiter().GetResult();
                    results.RemoveAt(0);
                }
                _framesDone?.Invoke(done);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            DisposeAll(batch);
            DisposeAll(results);
            heldBack?.Dispose();
            output.TryComplete(ex);
            throw;
        }
    }

    private static bool SameShape(TFrame a, TFrame b) => a.Width == b.Width && a.Height == b.Height && a.RawFormat == b.RawFormat;

    private static void DisposeAll(List<TFrame> frames)
    {
        frames.ForEach(f => f.Dispose());
        frames.Clear();
    }
}
