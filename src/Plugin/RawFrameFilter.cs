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
        return _upscaler.Upscale(ImagePlanes.FromFrame(frame)).ToFrame(frame.Format);
    }

    /// <summary>Filters raw frames from <paramref name="input"/> to <paramref name="output"/> until the input ends.</summary>
    /// <returns>Frames written.</returns>
    public async Task<long> RunAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        long frames = 0;
        var batch = new List<ImagePlanes>(_options.Batch);
        byte[] buffer = new byte[InputFrameBytes];
        while (true)
        {
            int read = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read > 0 && read < buffer.Length)
            {
                throw new InvalidDataException(
                    $"The input ended inside frame {frames + batch.Count}: {read} of {buffer.Length} bytes. Check --size and --pix-fmt against what the host sends.");
            }
            if (read == buffer.Length)
            {
                using var frame = Frame.Wrap(_options.Width, _options.Height, _options.Format, buffer);
                batch.Add(ImagePlanes.FromFrame(frame));
            }
            if (batch.Count == _options.Batch || (read == 0 && batch.Count > 0))
            {
                foreach (var upscaled in _upscaler.Upscale(batch))
                {
                    using var frame = upscaled.ToFrame(_options.Format);
                    await output.WriteAsync(frame.Memory, cancellationToken).ConfigureAwait(false);
                    frames++;
                }
                batch.Clear();
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            if (read == 0)
            {
                return frames;
            }
        }
    }

    public void Dispose() => _upscaler.Dispose();
}
