using System.Threading.Channels;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Upscaler.Inference.Planar;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin.Planar;

/// <summary>
/// The engine's entry point for hosts that hold planar pictures (the y4m filter, the C library,
/// GStreamer, VapourSynth, AviSynth+): opened once from a <see cref="ModelChoice"/> (model,
/// device, scale, tile size, tiles per pass) and a batch size (frames per model pass), it
/// upscales gray, YUV 4:2:0/4:2:2/4:4:4 and planar RGB pictures of 8 to 16 bits into pictures
/// the caller provides, one at a time, in batches, or as a stream of pooled frames.
/// </summary>
/// <remarks>
/// Thread-safe: calls from any thread are served one at a time (torch's dispose scopes are per
/// thread, so each call makes its own). <see cref="RunAsync"/> runs the model on a thread of its
/// own and should not be mixed with direct calls from another thread while it runs.
/// </remarks>
public sealed class PlanarUpscaler : IDisposable
{
    private readonly PlanarImageUpscaler _planes;
    private readonly Lock _gate = new();
    private bool _disposed;

    private PlanarUpscaler(LoadedUpscaler loaded, int framesPerBatch)
    {
        _planes = new PlanarImageUpscaler(loaded.Upscaler);
        DeviceDescription = loaded.Device;
        FramesPerBatch = framesPerBatch;
    }

    /// <summary>Loads the model and builds the upscaler; nothing is left loaded when this throws.</summary>
    /// <param name="framesPerBatch">Frames per model pass for <see cref="Upscale(IReadOnlyList{PlanarImage}, IReadOnlyList{PlanarImage})"/> and <see cref="RunAsync"/>.</param>
    public static PlanarUpscaler Open(ModelChoice choice, int framesPerBatch = 1)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerBatch, 1);
        var loaded = UpscalerFactory.Create(choice);
        try
        {
            return new PlanarUpscaler(loaded, framesPerBatch);
        }
        catch
        {
            loaded.Upscaler.Dispose();
            throw;
        }
    }

    public ModelHeader Model => _planes.Upscaler.Header;

    /// <summary>Whether the network sees luma only (chroma is then resampled, never converted).</summary>
    public bool LumaOnly => Model.ColorMode == ColorMode.Y;

    public string DeviceDescription { get; }

    public int FramesPerBatch { get; }

    public int TileSize => _planes.Upscaler.TileSize;

    /// <summary>What a host tells its user about how this upscaler runs (<see cref="SeRanet.Video.Upscaler.Inference.ImageUpscaler.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings => _planes.Upscaler.Warnings;

    public (int Width, int Height) OutputSize(int width, int height) => _planes.OutputSize(width, height);

    /// <summary>Upscales one picture into <paramref name="output"/> (same format, <see cref="OutputSize"/>).</summary>
    public void Upscale(PlanarImage input, PlanarImage output) => Upscale([input], [output]);

    /// <summary>Upscales pictures of one shape, <see cref="FramesPerBatch"/> per model pass, into the matching outputs.</summary>
    public void Upscale(IReadOnlyList<PlanarImage> inputs, IReadOnlyList<PlanarImage> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count != outputs.Count)
        {
            throw new ArgumentException($"{inputs.Count} inputs need as many outputs, not {outputs.Count}.", nameof(outputs));
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int start = 0; start < inputs.Count; start += FramesPerBatch)
            {
                int count = Math.Min(FramesPerBatch, inputs.Count - start);
                _planes.Upscale([.. inputs.Skip(start).Take(count)], [.. outputs.Skip(start).Take(count)]);
            }
        }
    }

    /// <summary>
    /// Upscales a stream of frames: reads <paramref name="input"/> in order, batches up to
    /// <see cref="FramesPerBatch"/> frames of one shape, and writes new pooled frames (same index)
    /// to <paramref name="output"/>, which the reader disposes; the frames read are disposed here.
    /// Completes <paramref name="output"/> at the end of input, or with the error that stopped it.
    /// </summary>
    public Task RunAsync(ChannelReader<PlanarFrame> input, ChannelWriter<PlanarFrame> output, CancellationToken cancellationToken) =>
        CreateStage().RunAsync(input, output, cancellationToken);

    /// <summary>A model stage for a pipeline of one's own (its <see cref="PlanarUpscaleStage.ModelTime"/> is readable).</summary>
    public PlanarUpscaleStage CreateStage() => new(
        (inputs, outputs) =>
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _planes.Upscale(inputs, outputs);
            }
        },
        OutputSize, FramesPerBatch);

    /// <summary>
    /// Frees the network once no pass is running: disposing while another thread is still upscaling
    /// waits for that pass instead of freeing the weights under it, and later calls fail with
    /// <see cref="ObjectDisposedException"/> instead of reaching freed native memory.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _planes.Upscaler.Dispose();
            }
        }
    }
}
