using System.Text;
using System.Threading.Channels;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Plugin.Planar;

namespace SeRanet.Video.Plugin.Y4m;

/// <summary>What a y4m run read and wrote.</summary>
/// <param name="OutputClosed">The reader of the output went away before the input ended.</param>
public sealed record Y4mRun(Y4mHeader Input, Y4mHeader Output, PlaneFormat Format, long Frames, bool OutputClosed);

/// <summary>
/// Upscales a YUV4MPEG2 stream: reads the header, refuses what it cannot upscale (interlaced
/// frames, unknown colour spaces), writes the upscaled header (new size; frame rate, aspect,
/// chroma siting and colour range as they came), then reads, upscales and writes frames with
/// the three overlapping through bounded channels, frames batched for the model.
/// </summary>
public sealed class Y4mFilter(PlanarUpscaler upscaler)
{
    /// <summary>Longer stream headers than any producer writes are taken for garbage.</summary>
    private const int MaxHeaderLength = 4096;

    /// <summary>"FRAME" and its parameters, which no producer makes long.</summary>
    private const int MaxFrameHeaderLength = 1024;

    private static readonly byte[] FrameMarker = "FRAME\n"u8.ToArray();

    /// <param name="started">Called once the headers are known, before the first frame (a shell prints them).</param>
    public async Task<Y4mRun> RunAsync(Stream input, Stream output, Action<Y4mHeader, Y4mHeader, PlaneFormat>? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var reader = new Y4mReader(input);
        string line = await reader.ReadLineAsync(MaxHeaderLength, "the stream header", cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException("The y4m stream is empty.");
        var header = Y4mHeader.Parse(line);
        var format = header.PlaneFormat();
        var (width, height) = upscaler.OutputSize(header.Width, header.Height);
        var upscaled = header.Upscaled(width, height);
        string text = upscaled.Render();
        if (text.Length > Y4mHeader.MaxPortableLength)
        {
            throw new InvalidDataException($"The upscaled stream's header would be {text.Length} bytes, more than the {Y4mHeader.MaxPortableLength} that GStreamer's y4mdec reads.");
        }
        started?.Invoke(header, upscaled, format);

        var writer = new Y4mFrameWriter(output);
        if (!await writer.WriteHeaderAsync(text, cancellationToken).ConfigureAwait(false))
        {
            return new Y4mRun(header, upscaled, format, 0, OutputClosed: true);
        }
        await PipeFilterPipeline.RunAsync<PlanarFrame>(Math.Max(2, 2 * upscaler.FramesPerBatch),
            (frames, token) => ReadFramesAsync(reader, header, format, frames, token), upscaler.RunAsync, writer, cancellationToken).ConfigureAwait(false);
        return new Y4mRun(header, upscaled, format, writer.Frames, writer.OutputClosed);
    }

    /// <summary>Frames numbered from 0; a stream that ends inside a frame is an error that names it.</summary>
    private static async Task ReadFramesAsync(Y4mReader reader, Y4mHeader header, PlaneFormat format, ChannelWriter<PlanarFrame> output, CancellationToken cancellationToken)
    {
        try
        {
            for (long index = 0; ; index++)
            {
                string? marker = await reader.ReadLineAsync(MaxFrameHeaderLength, $"the header of frame {index}", cancellationToken).ConfigureAwait(false);
                if (marker is null)
                {
                    break;
                }
                if (marker != "FRAME" && !marker.StartsWith("FRAME ", StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"Frame {index} of the y4m stream does not start with FRAME.");
                }
                var frame = PlanarFrame.Rent(header.Width, header.Height, format, index);
                int read;
                try
                {
                    read = await reader.ReadAsync(frame.Memory, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The abandoned read may still fill this buffer, so it is not returned to the pool.
                    throw;
                }
                catch
                {
                    frame.Dispose();
                    throw;
                }
                if (read < frame.ByteCount)
                {
                    frame.Dispose();
                    throw new InvalidDataException($"The y4m stream ended inside frame {index}: {read} of {frame.ByteCount} bytes.");
                }
                await output.HandOnAsync(frame, cancellationToken).ConfigureAwait(false);
            }
            output.Complete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
            throw;
        }
    }

    /// <summary>
    /// Writes the header, then FRAME and each frame's planes, flushing whenever no further frame
    /// is waiting so a host sees every frame as soon as it is ready. A reader that closes the
    /// output ends the writing quietly.
    /// </summary>
    private sealed class Y4mFrameWriter(Stream output) : IPipeFrameSink<PlanarFrame>
    {
        private long _frames;

        public long Frames => Interlocked.Read(ref _frames);

        public bool OutputClosed { get; private set; }

        /// <returns>False when the output is already closed.</returns>
        public async Task<bool> WriteHeaderAsync(string header, CancellationToken cancellationToken)
        {
            try
            {
                await output.WriteAsync(Encoding.ASCII.GetBytes(header), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (IOException ex) when (BrokenPipe.Is(ex))
            {
                OutputClosed = true;
                return false;
            }
        }

        public async Task RunAsync(ChannelReader<PlanarFrame> input, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var frame in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    using (frame)
                    {
                        await output.WriteAsync(FrameMarker, cancellationToken).ConfigureAwait(false);
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
}
