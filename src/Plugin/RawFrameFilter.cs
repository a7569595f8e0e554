using System.Threading.Channels;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin;

/// <summary>
/// The plugin entry point. Hosts in .NET call <see cref="Process"/> per frame; other hosts
/// (ffmpeg, mpv, scripts) pipe raw interleaved RGB frames through <see cref="RunAsync"/>,
/// which the <c>seranet filter</c> command exposes on stdin and stdout. Every frame in is
/// exactly width x height x bytes-per-pixel, and so is every frame out at the output size.
/// </summary>
/// <remarks>
/// <see cref="Process"/> is not thread-safe: one caller thread at a time (torch dispose scopes are
/// per thread). <see cref="RunAsync"/> runs the model on a thread of its own.
/// </remarks>
public sealed class RawFrameFilter : IDisposable
{
    private readonly FilterOptions _options;
    private readonly ImageUpscaler _upscaler;

    private RawFrameFilter(FilterOptions options, ImageUpscaler upscaler, string device)
    {
        _options = options;
        _upscaler = upscaler;
        DeviceDescription = device;
        OutputSize = upscaler.OutputSize(options.Width, options.Height);
    }

    public (int Width, int Height) OutputSize { get; }

    public string DeviceDescription { get; }

    public ModelHeader Model => _upscaler.Header;

    /// <summary>What a shell tells its user about how this filter runs (<see cref="ImageUpscaler.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings => _upscaler.Warnings;

    public int InputFrameBytes => _options.Width * _options.Height * _options.Format.BytesPerPixel();

    public int OutputFrameBytes => OutputSize.Width * OutputSize.Height * _options.Format.BytesPerPixel();

    public static RawFrameFilter Open(FilterOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Batch, 1);
        var loaded = UpscalerFactory.Create(options.ModelChoice);
        try
        {
            return new RawFrameFilter(options, loaded.Upscaler, loaded.Device);
        }
        catch
        {
            loaded.Upscaler.Dispose();
            throw;
        }
    }

    /// <summary>Upscales one frame; the caller owns (and disposes) the result.</summary>
    public Frame Process(Frame frame)
    {
        if (frame.Width != _options.Width || frame.Height != _options.Height || frame.Format != _options.Format)
        {
            throw new ArgumentException($"The filter was opened for {_options.Width}x{_options.Height} {_options.Format} frames, not {frame.Width}x{frame.Height} {frame.Format}.", nameof(frame));
        }
        return _upscaler.UpscaleFrame(frame);
    }

    /// <summary>
    /// Filters raw frames from <paramref name="input"/> to <paramref name="output"/> until the input
    /// ends, or the output is closed by its reader (a pipe into <c>head</c>), which ends the run
    /// like the end of the input does. Reading, the model and writing overlap.
    /// </summary>
    /// <returns>Frames written.</returns>
    public async Task<long> RunAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        var model = new FrameUpscaleStage(_upscaler, _options.Batch);
        var writer = new RawFrameWriter(output);
        await PipeFilterPipeline.RunAsync<Frame>(_options.Batch * 2, (frames, token) => ReadAsync(input, frames, token),
            model.RunAsync, writer, cancellationToken).ConfigureAwait(false);
        return writer.Frames;
    }

    /// <summary>Cuts the input into frames, numbered from 0; a partial last frame is an error that names it.</summary>
    private async Task ReadAsync(Stream input, ChannelWriter<Frame> output, CancellationToken cancellationToken)
    {
        try
        {
            for (long index = 0; ; index++)
            {
                var frame = Frame.Rent(_options.Width, _options.Height, _options.Format, index: index);
                int read;
                try
                {
                    // A pipe's read may ignore cancellation; stop waiting for it rather than hang.
                    read = await input.ReadAtLeastAsync(frame.Memory, frame.ByteCount, throwOnEndOfStream: false, cancellationToken)
                        .AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
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
                if (read == 0)
                {
                    frame.Dispose();
                    break;
                }
                if (read < frame.ByteCount)
                {
                    frame.Dispose();
                    throw new TruncatedFrameException(index, read, InputFrameBytes);
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

    public void Dispose() => _upscaler.Dispose();
}
