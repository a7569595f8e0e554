using System.Threading.Channels;
using SeRanet.Video.Core.Imaging;

namespace SeRanet.Video.Plugin;

/// <summary>
/// The last stage of <see cref="RawFrameFilter.RunAsync"/>: writes each frame's bytes, flushing
/// whenever no further frame is waiting, so a host sees every frame as soon as it is ready. A
/// reader that closes the output (<c>| head -c 1000</c>) ends the stage quietly.
/// </summary>
internal sealed class RawFrameWriter(Stream output) : IPipeFrameSink<Frame>
{
    private long _frames;

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>The output's reader went away; the frames after <see cref="Frames"/> were dropped.</summary>
    public bool OutputClosed { get; private set; }

    public async Task RunAsync(ChannelReader<Frame> input, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                using (frame)
                {
                    await output.WriteAsync(frame.Memory, cancellationToken).ConfigureAwait(false);
                }
                Interlocked.Increment(ref _frames);
                if (input.Count == 0)
                {
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (BrokenPipe.Is(ex))
        {
            OutputClosed = true;
        }
    }
}
