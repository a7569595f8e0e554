using System.Threading.Channels;
using SeRanet.Video.Training.Data;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// Cuts training batches on a background task, a few ahead of the optimiser, which runs on the
/// caller's thread (torch dispose scopes are per thread). The batches depend only on the seed.
/// </summary>
public sealed class BatchProducer : IAsyncDisposable
{
    private readonly Channel<TrainingBatch> _batches =
        Channel.CreateBounded<TrainingBatch>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop;
    private readonly Task _producer;

    public BatchProducer(PatchSampler sampler, int batchSize, int seed, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _producer = ProduceAsync(sampler, batchSize, seed, _stop.Token);
    }

    /// <summary>The next batch; a failure of the producer surfaces here.</summary>
    public ValueTask<TrainingBatch> ReadAsync(CancellationToken cancellationToken) => _batches.Reader.ReadAsync(cancellationToken);

    /// <summary>Stops the producer and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _producer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _stop.Dispose();
        }
    }

    private async Task ProduceAsync(PatchSampler sampler, int batchSize, int seed, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var writer = _batches.Writer;
        var random = new Random(seed);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await writer.WriteAsync(sampler.NextBatch(random, batchSize), cancellationToken).ConfigureAwait(false);
            }
            writer.TryComplete();
        }
        catch (OperationCanceledException)
        {
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
            throw;
        }
    }
}
