using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin;

/// <summary>
/// The plugin entry point. Hosts in .NET call <see cref="Process"/> per frame; other hosts
/// (ffmpeg, mpv, scripts) pipe raw interleaved RGB frames through <see cref="RunAsync"/>,
/// which the <c>seranet filter</c> command exposes on stdin and stdout. Every frame in is
/// exactly width x height x bytes-per-pixel, and so is every frame out at the output size.
/// </summary>
/// <remarks>Not thread-safe: one filter serves one thread (torch dispose scopes are per thread).</remarks>
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

    public int InputFrameBytes => _options.Width * _options.Height * _options.Format.BytesPerPixel();

    public int OutputFrameBytes => OutputSize.Width * OutputSize.Height * _options.Format.BytesPerPixel();

    public static RawFrameFilter Open(FilterOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Batch, 1);
        var device = ComputeDevice.Resolve(options.Device, out string description);
        var upscaler = ImageUpscaler.Open(options.Model, device,
            new UpscaleOptions { Scale = options.Scale, TileSize = options.TileSize, MaxBatch = options.Batch });
        return new RawFrameFilter(options, upscaler, description);
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

    /// <summary>Filters raw frames from <paramref name="input"/> to <paramref name="output"/> until the input ends.</summary>
    /// <returns>Frames written.</returns>
    public async Task<long> RunAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        long frames = 0;
        var batch = new List<Frame>(_options.Batch);
        try
        {
            while (true)
            {
                var frame = Frame.Rent(_options.Width, _options.Height, _options.Format);
                int read = await input.ReadAtLeastAsync(frame.Memory, frame.ByteCount, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read > 0 && read < frame.ByteCount)
                {
                    frame.Dispose();
                    throw new InvalidDataException(
                        $"The input ended inside frame {frames + batch.Count}: {read} of {InputFrameBytes} bytes. Check --size and --pix-fmt against what the host sends.");
                }
                if (read == 0)
                {
                    frame.Dispose();
                }
                else
                {
                    batch.Add(frame);
                }
                if (batch.Count == _options.Batch || (read == 0 && batch.Count > 0))
                {
                    var upscaled = _upscaler.UpscaleFrames(batch);
                    try
                    {
                        foreach (var result in upscaled)
                        {
                            await output.WriteAsync(result.Memory, cancellationToken).ConfigureAwait(false);
                            frames++;
                        }
                    }
                    finally
                    {
                        DisposeAll(upscaled);
                        DisposeAll(batch);
                        batch.Clear();
                    }
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                if (read == 0)
                {
                    return frames;
                }
            }
        }
        finally
        {
            DisposeAll(batch);
        }
    }

    private static void DisposeAll(IEnumerable<Frame> frames)
    {
        foreach (var frame in frames)
        {
            frame.Dispose();
        }
    }

    public void Dispose() => _upscaler.Dispose();
}
