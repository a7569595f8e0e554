namespace SeRanet.Video.Core.Pipeline;

/// <summary>
/// Runs pipeline stages together. The first stage to fail cancels the others, and the
/// exception the caller sees is that first failure, not the cancellations it caused.
/// </summary>
public static class PipelineRunner
{
    public static async Task RunAsync(IReadOnlyList<Func<CancellationToken, Task>> stages, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        var running = stages.Select(stage => Task.Run(async () =>
        {
            try
            {
                await stage(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                bool causedByOthers = ex is OperationCanceledException && linked.IsCancellationRequested;
                if (!causedByOthers)
                {
                    Interlocked.CompareExchange(ref firstFailure, ex, null);
                }
                await linked.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, CancellationToken.None)).ToList();

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception) when (firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(firstFailure).Throw();
        }
    }
}
