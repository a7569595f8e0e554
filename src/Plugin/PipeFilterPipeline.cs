using System.Threading.Channels;
using SeRanet.Video.Core.Pipeline;

namespace SeRanet.Video.Plugin;

/// <summary>The last stage of a pipe filter: writes frames until its input ends or its reader goes away.</summary>
internal interface IPipeFrameSink<TFrame>
{
    /// <summary>The output's reader went away; later frames were dropped.</summary>
    bool OutputClosed { get; }

    Task RunAsync(ChannelReader<TFrame> input, CancellationToken cancellationToken);
}

/// <summary>
/// Read, upscale, write, overlapping through bounded channels: the loop that <see cref="RawFrameFilter"/>
/// and <see cref="Y4m.Y4mFilter"/> share. A reader that closes the output (<c>| head</c>) ends the
/// run as the end of the input does, quietly; anything else that stops a stage stops all three.
/// </summary>
internal static class PipeFilterPipeline
{
    public static async Task RunAsync<TFrame>(int depth, Func<ChannelWriter<TFrame>, CancellationToken, Task> read,
        Func<ChannelReader<TFrame>, ChannelWriter<TFrame>, CancellationToken, Task> upscale, IPipeFrameSink<TFrame> sink,
        CancellationToken cancellationToken) where TFrame : IDisposable
    {
        var options = new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait };
        var decoded = Channel.CreateBounded<TFrame>(options);
        var upscaled = Channel.CreateBounded<TFrame>(options);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await PipelineRunner.RunAsync(
            [
                token => read(decoded.Writer, token),
                token => upscale(decoded.Reader, upscaled.Writer, token),
                async token =>
                {
                    await sink.RunAsync(upscaled.Reader, token).ConfigureAwait(false);
                    if (sink.OutputClosed)
                    {
                        // Nobody reads any more: stop reading and upscaling, as at the end of the input.
                        await closed.CancelAsync().ConfigureAwait(false);
                    }
                },
            ], closed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (sink.OutputClosed && !cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            decoded.Reader.DisposeQueued();
            upscaled.Reader.DisposeQueued();
        }
    }
}
