using System.Diagnostics;
using System.Threading.Channels;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// The model stage of the video pipeline: takes frames in order, upscales them in batches of
/// same-size frames, and passes the results on in the same order with the same index and
/// timestamp. All model work runs on one dedicated thread because torch dispose scopes are
/// thread-local; that thread blocks on the channels instead of awaiting.
/// </summary>
public sealed class FrameUpscaleStage : IModelStage<Frame>
{
    private readonly ImageUpscaler _upscaler;
    private readonly int _framesPerBatch;
    private readonly Action<long>? _framesDone;
    private long _modelTicks;

    /// <param name="framesDone">Called on the model thread with the running count after each batch.</param>
    public FrameUpscaleStage(ImageUpscaler upscaler, int framesPerBatch, Action<long>? framesDone = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerBatch, 1);
        _upscaler = upscaler;
        _framesPerBatch = framesPerBatch;
        _framesDone = framesDone;
    }

    /// <summary>Time spent in the model alone, to compare with the whole run's wall time.</summary>
    public TimeSpan ModelTime => TimeSpan.FromTicks(Interlocked.Read(ref _modelTicks));

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(input, output, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        var batch = new List<Frame>(_framesPerBatch);
        long done = 0;
        Frame? heldBack = null;
        try
        {
            while (SameShapeBatches.Next(input, batch, ref heldBack, _framesPerBatch, SameShape, cancellationToken))
            {
                var clock = Stopwatch.StartNew();
                var results = _upscaler.UpscaleFrames(batch);
                Interlocked.Add(ref _modelTicks, clock.Elapsed.Ticks);
                DisposeAll(batch);
                for (int i = 0; i < results.Count; i++)
                {
                    try
                    {
                        output.WriteAsync(results[i], cancellationToken).AsTask().GetAwaiter().GetResult();
                    }
                    catch
                    {
                        DisposeAll(results.Skip(i));
                        throw;
                    }
                }
                done += results.Count;
                _framesDone?.Invoke(done);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            DisposeAll(batch);
            heldBack?.Dispose();
            output.TryComplete(ex);
            throw;
        }
    }

    private static bool SameShape(Frame a, Frame b) => a.Width == b.Width && a.Height == b.Height && a.Format == b.Format;

    private static void DisposeAll(IEnumerable<Frame> frames)
    {
        foreach (var frame in frames)
        {
            frame.Dispose();
        }
    }
}
