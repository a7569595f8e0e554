using System.Buffers;
using System.Runtime.InteropServices;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference.OnnxRuntime;
using SeRanet.Video.Upscaler.Inference.Tiling;
using SeRanet.Video.Upscaler.Numerics;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// Upscales images with a loaded model: pre-process (colour mode), tiled batched 2x passes,
/// post-process (exact size). Not thread-safe: torch dispose scopes are per thread, so one
/// instance serves one inference thread. The network itself runs on the backend the options name
/// (<see cref="InferenceBackend"/>); everything around it is the same for both.
/// </summary>
public sealed class ImageUpscaler : IDisposable
{
    private readonly LoadedModel _model;
    private readonly torch.Device _device;
    private readonly UpscaleOptions _options;
    private readonly int _tileSize;
    private readonly long _floatsPerPixel;
    private readonly IInferenceNetwork _inference;
    private bool _disposed;

    /// <param name="device">
    /// Where the network runs. With the onnxruntime backend, CUDA selects ONNX Runtime's CUDA
    /// provider while the tensors around the network stay on the CPU.
    /// </param>
    private ImageUpscaler(LoadedModel model, torch.Device device, UpscaleOptions options)
    {
        options.Validate();
        IUpscalingNetwork network = model.Network;
        bool torchNetwork = options.Backend == InferenceBackend.Torch;
        if (InferencePrecisions.Refusal(options.Precision, device.type, CpuFeatures.HasVnni) is { } refusal)
        {
            throw new ArgumentException(refusal);
        }
        var numbers = ConvolutionNumbers.Fp32;
        string? bf16Refusal = null;
        ConvolutionGuardReport? numerics = null;
        if (torchNetwork && device.type == DeviceType.CPU)
        {
            var shapes = network.ConvolutionShapes(NetworkForm.Inference);
            // Before the first model call: wrong CPU kernels must not make wrong pixels.
            numerics = ConvolutionGuard.EnsureVerified(shapes, backward: false);
            if (options.Precision == InferencePrecision.Bf16)
            {
                // The residual's bicubic stays float32 (FusedSplitSplice), checked above. Where the
                // bfloat16 kernels are missing or wrong, float32 kernels compute bfloat16's numbers,
                // so bf16 gives the same pictures on every CPU.
                bf16Refusal = ConvolutionGuard.Bf16KernelsRefusal(ConvolutionShape.InBfloat16(shapes), CpuFeatures.HasBf16);
                numbers = bf16Refusal is null ? ConvolutionNumbers.Bf16 : ConvolutionNumbers.Bf16OnFp32Kernels;
            }
        }
        _model = model;
        _device = torchNetwork ? device : torch.CPU;
        _options = options;
        Numbers = numbers;
        Bf16Warning = bf16Refusal is null ? null
            : $"bf16 runs on float32 kernels here ({bf16Refusal}): the pictures of a CPU with working bf16 kernels, to within one 8-bit level, but slower than fp32";
        Warnings = [
            .. numerics?.Warnings ?? [],
            .. Bf16Warning is { } bf16 ? [bf16] : Array.Empty<string>(),
        ];
        _floatsPerPixel = network.ActivationFloatsPerPixel;
        _tileSize = options.TileSize ?? TilePlanner.AutoTileSize(_floatsPerPixel, network.Padding, options.MemoryBudgetBytes);
        network.ModuleForm.to(_device);
        network.ModuleForm.eval();
        // Last: nothing after it can throw and leave its copy of the weights behind.
        IInferenceNetwork inference = torchNetwork
            ? network.CreateInferenceForm(numbers)
            : OnnxRuntimeNetwork.Create(model, cuda: device.type == DeviceType.CUDA, options.Precision);
        _inference = options.SelfEnsemble ? new SelfEnsemble(inference) : inference;
    }

    /// <summary>
    /// Loads a model by name or path from <paramref name="catalog"/> (the default when null) and
    /// builds an upscaler for it: what every shell (commands, filter, plugin) does to get one.
    /// </summary>
    public static ImageUpscaler Open(ModelCatalog catalog, string? modelNameOrPath, torch.Device device, UpscaleOptions options)
    {
        // Bad options fail before the model is read.
        options.Validate();
        return Open(catalog.Load(modelNameOrPath), device, options);
    }

    /// <summary>
    /// Builds an upscaler that owns <paramref name="model"/>: it is disposed with the upscaler, or
    /// at once when the upscaler cannot be built (so a failed start leaks no native weights).
    /// </summary>
    public static ImageUpscaler Open(LoadedModel model, torch.Device device, UpscaleOptions options)
    {
        try
        {
            return new ImageUpscaler(model, device, options);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public int TileSize => _tileSize;

    /// <summary>What runs the network.</summary>
    public InferenceBackend Backend => _options.Backend;

    /// <summary>The number format inside the network.</summary>
    public InferencePrecision Precision => _options.Precision;

    /// <summary>How the network runs, for status lines (<see cref="UpscaleOptions.DescribeRun"/>).</summary>
    public string RunDescription => _options.DescribeRun();

    /// <summary>What the torch backend's convolutions compute in: bf16 runs on float32 kernels where this CPU's bfloat16 kernels are missing or wrong.</summary>
    public ConvolutionNumbers Numbers { get; }

    /// <summary>
    /// One line for the user when bf16 runs on float32 kernels for this network, saying why; null
    /// when it does not. Whoever asked for bf16 asked for speed, and here it is slower than fp32.
    /// </summary>
    public string? Bf16Warning { get; }

    /// <summary>
    /// What a shell tells its user about how this upscaler runs, a line each: that this CPU's fast
    /// convolutions were wrong and the slower exact ones run instead, and <see cref="Bf16Warning"/>;
    /// empty when neither. Known once the upscaler is built, before its first frame.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Whether each tile is averaged over its eight flips and turns (<see cref="UpscaleOptions.SelfEnsemble"/>).</summary>
    public bool SelfEnsemble => _options.SelfEnsemble;

    /// <summary>Where the network runs; tensors for it are made here.</summary>
    public torch.Device Device => _device;

    public ModelHeader Header => _model.Header;

    /// <summary>Upscales images of one size together (a batch of video frames, say).</summary>
    public IReadOnlyList<ImagePlanes> Upscale(IReadOnlyList<ImagePlanes> images)
    {
        if (images.Count == 0)
        {
            return [];
        }
        var first = images[0];
        if (images.Any(i => i.Width != first.Width || i.Height != first.Height || i.Channels != 3))
        {
            throw new ArgumentException("Images upscaled together must be RGB and share one size.", nameof(images));
        }
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        float[] packed = new float[images.Count * first.Data.Length];
        for (int i = 0; i < images.Count; i++)
        {
            images[i].Data.CopyTo(packed, i * first.Data.Length);
        }
        Tensor batch = torch.tensor(packed, [images.Count, 3, first.Height, first.Width]).to(_device);
        Tensor result = UpscaleTensor(batch).cpu().contiguous();

        int outHeight = (int)result.shape[2];
        int outWidth = (int)result.shape[3];
        // Straight from the tensor's memory: TorchSharp's data<float>().ToArray() copies one element
        // at a time through an index enumerator, which was a sixth of `seranet bench`'s time for
        // the photo default on 320x180 frames.
        ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(result.bytes);
        int size = 3 * outHeight * outWidth;
        var upscaled = new List<ImagePlanes>(images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            upscaled.Add(new ImagePlanes(3, outHeight, outWidth, values.Slice(i * size, size).ToArray()));
        }
        return upscaled;
    }

    public ImagePlanes Upscale(ImagePlanes image) => Upscale([image])[0];

    /// <summary>
    /// Upscales frames of one size and format together into frames rented from
    /// <paramref name="pool"/> (the caller disposes them), keeping each frame's format, index and
    /// timestamp. One copy into the batch tensor and one out of it per frame (see FrameTensors).
    /// </summary>
    public IReadOnlyList<Frame> UpscaleFrames(IReadOnlyList<Frame> frames, ArrayPool<byte>? pool = null)
    {
        if (frames.Count == 0)
        {
            return [];
        }
        var (outWidth, outHeight) = OutputSize(frames[0].Width, frames[0].Height);
        int perPass = FramesPerPass((long)outWidth * outHeight, WholeFrameBytesPerOutputPixel);
        var outputs = new List<Frame>(frames.Count);
        try
        {
            using var inference = torch.inference_mode();
            for (int start = 0; start < frames.Count; start += perPass)
            {
                var group = frames.Skip(start).Take(perPass).ToList();
                // One scope per group: its whole-frame tensors are freed before the next group's exist.
                using var scope = torch.NewDisposeScope();
                Tensor result = UpscaleTensor(FrameTensors.ToTensor(group, _device));
                var upscaled = group.Select(f => Frame.Rent((int)result.shape[3], (int)result.shape[2], f.Format, pool, f.Index, f.Pts)).ToList();
                outputs.AddRange(upscaled);
                FrameTensors.CopyTo(result, upscaled);
            }
            return outputs;
        }
        catch
        {
            outputs.ForEach(o => o.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Float bytes per output pixel that whole-frame tensors hold at the peak of one pass: the input
    /// and its YCbCr, the upscaled luma, the resampled chroma, their concatenation and the RGB made of
    /// it (about 16 floats). A 4K frame is about half a gigabyte of them.
    /// </summary>
    private const long WholeFrameBytesPerOutputPixel = 64;

    /// <summary>
    /// How many frames of this size go through the network and the colour handling together: as
    /// many as keep the whole-frame tensors (<paramref name="bytesPerOutputPixel"/> per output pixel
    /// at their peak) within half the activation budget, at least one. Small frames stay batched; a
    /// 1080p-to-4K batch goes one frame at a time, which is what kept a 4-frame batch near 6 GB of memory.
    /// </summary>
    public int FramesPerPass(long outputPixels, long bytesPerOutputPixel) =>
        (int)Math.Clamp(_options.MemoryBudgetBytes / 2 / Math.Max(1, outputPixels * bytesPerOutputPixel), 1, int.MaxValue);

    /// <summary>One frame; see <see cref="UpscaleFrames"/>.</summary>
    public Frame UpscaleFrame(Frame frame) => UpscaleFrames([frame])[0];

    /// <summary>Output size for an input size at the configured scale.</summary>
    public (int Width, int Height) OutputSize(int width, int height) => _options.OutputSize(width, height);

    /// <summary>[N, 3, H, W] RGB in [0, 1] to the configured scale, in the caller's dispose scope.</summary>
    public Tensor UpscaleTensor(Tensor rgb)
    {
        var (width, height) = OutputSize((int)rgb.shape[3], (int)rgb.shape[2]);
        Tensor x = rgb;
        for (int pass = 0; pass < _options.Passes; pass++)
        {
            x = UpscaleOnce(x);
        }
        if (x.shape[2] != height || x.shape[3] != width)
        {
            x = ColorSpaces.ClipUnit(nn.functional.interpolate(x, size: [height, width], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true));
        }
        return x;
    }

    /// <summary>
    /// [N, C, H, W] in [0, 1] holding exactly what the network sees (luma for a Y model, RGB
    /// otherwise) to the configured scale: network passes in tiles, then the bicubic resize for
    /// a scale that is not a power of two, clipped to [0, 1]. No colour conversion: this is the
    /// path for planar YUV input, whose luma goes to a Y model as it is.
    /// </summary>
    public Tensor UpscaleNetworkChannels(Tensor x)
    {
        int channels = _model.Header.ColorMode == ColorMode.Y ? 1 : 3;
        if (x.shape[1] != channels)
        {
            throw new ArgumentException($"A {_model.Header.ColorMode} model takes {channels} channels, not {x.shape[1]}.", nameof(x));
        }
        var (width, height) = OutputSize((int)x.shape[3], (int)x.shape[2]);
        for (int pass = 0; pass < _options.Passes; pass++)
        {
            x = RunNetwork(x);
        }
        if (x.shape[2] != height || x.shape[3] != width)
        {
            x = nn.functional.interpolate(x, size: [height, width], mode: InterpolationMode.Bicubic, align_corners: false, antialias: true);
        }
        return ColorSpaces.ClipUnit(x);
    }

    private Tensor RunNetwork(Tensor x)
    {
        // Every upscaling path that has a picture comes through here (an empty batch returns before);
        // after Dispose it would read freed weights.
        ObjectDisposedException.ThrowIf(_disposed, this);
        int padding = _model.Padding;
        int tile = _tileSize;
        long tileFloats = _floatsPerPixel * (tile + 2L * padding) * (tile + 2L * padding);
        int maxBatch = _options.MaxBatch ?? (int)Math.Max(1, _options.MemoryBudgetBytes / (4 * tileFloats));
        return TiledInference.Run(_inference.Forward, x, padding, tile, maxBatch);
    }

    private Tensor UpscaleOnce(Tensor rgb)
    {
        if (_model.Header.ColorMode == ColorMode.Rgb)
        {
            return RunNetwork(rgb);
        }
        Tensor ycbcr = ColorSpaces.RgbToYCbCr(rgb);
        Tensor y = RunNetwork(ycbcr[.., ..1]);
        Tensor chroma = nn.functional.interpolate(ycbcr[.., 1..], scale_factor: [2.0, 2.0], mode: InterpolationMode.Bicubic, align_corners: false);
        return ColorSpaces.ClipUnit(ColorSpaces.YCbCrToRgb(torch.cat([y, chroma], dim: 1)));
    }

    /// <summary>
    /// Frees the network; a second call does nothing, and upscaling afterwards fails with
    /// <see cref="ObjectDisposedException"/>. Not safe against a pass running on another thread
    /// (see the class summary): <c>PlanarUpscaler</c> is the thread-safe wrapper.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _inference.Dispose();
        _model.Dispose();
    }
}
