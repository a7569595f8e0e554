using System.Diagnostics;
using System.Threading.Channels;
using SeRanet.Video.Core.Imaging.Planar;

namespace SeRanet.Video.Upscaler.Inference.Planar;

/// <summary>
/// The model stage for planar frames: takes frames in order, upscales up to a batch of
/// same-shape frames per pass, and passes new frames on in the same order with the same index and time;
/// it disposes the frames it read. All model work runs on one dedicated thread (torch dispose
/// scopes are thread-local), which blocks on the channels instead of awaiting.
/// </summary>
public sealed class PlanarUpscaleStage : IModelStage<PlanarFrame>
{
    private readonly Action<IReadOnlyList<PlanarImage>, IReadOnlyList<PlanarImage>> _upscale;
    private readonly Func<int, int, (int Width, int Height)> _outputSize;
    private readonly int _framesPerBatch;
    private long _modelTicks;

    /// <param name="upscale">Upscales a batch of inputs into outputs of the output size (called on the stage's thread).</param>
    /// <param name="outputSize">Output size for an input size.</param>
    public PlanarUpscaleStage(Action<IReadOnlyList<PlanarImage>, IReadOnlyList<PlanarImage>> upscale, Func<int, int, (int Width, int Height)> outputSize, int framesPerBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerBatch, 1);
        _upscale = upscale;
        _outputSize = outputSize;
        _framesPerBatch = framesPerBatch;
    }

    /// <summary>Time spent in the model alone, to compare with the whole run's wall time.</summary>
    public TimeSpan ModelTime => TimeSpan.FromTicks(Interlocked.Read(ref _modelTicks));

    public Task RunAsync(ChannelReader<PlanarFrame> input, ChannelWriter<PlanarFrame> output, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(input, output, cancellationToken), cancellationToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(ChannelReader<PlanarFrame> input, ChannelWriter<PlanarFrame> output, CancellationToken cancellationToken)
    {
        var batch = new List<PlanarFrame>(_framesPerBatch);
        var results = new List<PlanarFrame>(_framesPerBatch);
        PlanarFrame? heldBack = null;
        try
        {
            while (SameShapeBatches.Next(input, batch, ref heldBack, _framesPerBatch, SameShape, cancellationToken))
            {
                var (width, height) = _outputSize(batch[0].Width, batch[0].Height);
                results.AddRange(batch.Select(f => PlanarFrame.Rent(width, height, f.Format, f.Index, f.Pts)));
                var clock = Stopwatch.StartNew();
                _upscale([.. batch.Select(f => f.Image)], [.. results.Select(f => f.Image)]);
                Interlocked.Add(ref _modelTicks, clock.Elapsed.Ticks);
                DisposeAll(batch);
                while (results.Count > 0)
                {
                    output.WriteAsync(results[0], cancellationToken).AsTask().GetAwaiter().GetResult();
                    results.RemoveAt(0);
                }
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

    private static bool SameShape(PlanarFrame a, PlanarFrame b) => a.Width == b.Width && a.Height == b.Height && a.Format == b.Format;

    private static void DisposeAll(List<PlanarFrame> frames)
    {
        frames.ForEach(f => f.Dispose());
        frames.Clear();
    }
}
