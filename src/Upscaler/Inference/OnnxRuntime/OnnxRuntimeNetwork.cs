using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference.OnnxRuntime;

/// <summary>
/// A network's inference form run by ONNX Runtime: the model is exported in memory with
/// <see cref="OnnxExporter"/> (the graph the export tests hold equal to the torch form) and run
/// tile batch by tile batch. Its tensors in and out are torch tensors on the CPU, so tiling,
/// batching and colour conversion stay the torch code both backends share; ONNX Runtime reads and
/// writes their memory in place, and copies to and from the GPU itself on the CUDA provider.
/// </summary>
public sealed class OnnxRuntimeNetwork : IInferenceNetwork
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly int _padding;
    private readonly string[] _inputNames = [OnnxExporter.InputName];
    private readonly string[] _outputNames = [OnnxExporter.OutputName];

    private OnnxRuntimeNetwork(InferenceSession session, int padding)
    {
        _session = session;
        _padding = padding;
    }

    /// <summary>Exports <paramref name="model"/> in memory and opens a session for it.</summary>
    /// <param name="cuda">Run on ONNX Runtime's CUDA execution provider (GPU 0) instead of the CPU.</param>
    /// <param name="precision">fp32, or int8 from the model's <see cref="LoadedModel.Int8Ranges"/>.</param>
    public static OnnxRuntimeNetwork Create(LoadedModel model, bool cuda, InferencePrecision precision = InferencePrecision.Fp32)
    {
        ArgumentNullException.ThrowIfNull(model);
        // The tiles arrive padded, as they do for the torch form; the graph must not pad again.
        var options = new OnnxExportOptions { PadsEdges = false, Quantization = precision == InferencePrecision.Int8 ? Int8For(model) : null };
        byte[] graph = OnnxExporter.Build(model, options).ToByteArray();
        using var sessionOptions = OnnxRuntimeProviders.CreateSessionOptions(cuda);
        try
        {
            return new OnnxRuntimeNetwork(new InferenceSession(graph, sessionOptions), model.Padding);
        }
        catch (OnnxRuntimeException ex) when (cuda)
        {
            throw OnnxRuntimeProviders.CudaUnavailable(ex);
        }
    }

    /// <summary>
    /// The int8 graph of <paramref name="model"/>: its kept activation ranges, which must be those
    /// of its own weights. Which convolutions stay float is what measured best on the public set
    /// (README, "Precision").
    /// </summary>
    public static Int8Quantization Int8For(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string name = model.Header.Name;
        ActivationRanges ranges = model.Int8Ranges ?? throw new InvalidOperationException(
            $"int8 precision needs the activation ranges of {name} ({name}{ActivationRanges.Extension} beside the model), and none are kept with it; use fp32.");
        if (ranges.WeightsSha256 != model.Header.PayloadSha256)
        {
            throw new InvalidOperationException(
                $"The int8 activation ranges kept with {name} were measured for other weights (of {ranges.Model}); measure them again for these weights or use fp32.");
        }
        // Measured on the public set (README, "Precision"): the first convolutions in int8 lost
        // more and ran no faster (one input channel gives the 8-bit kernels nothing to gain), and
        // the output convolution in int8 lost 0.005 dB more for a gain lost in the noise.
        return new Int8Quantization { Ranges = ranges, FirstConvolutions = false, OutputConvolution = false };
    }

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        long[] shape = input.shape;
        long outHeight = 2 * (shape[2] - 2L * _padding);
        long outWidth = 2 * (shape[3] - 2L * _padding);
        if (outHeight <= 0 || outWidth <= 0)
        {
            throw new ArgumentException($"A [{string.Join(", ", shape)}] input is smaller than the network's context of {_padding} pixels per side.", nameof(input));
        }
        // ONNX Runtime reads plain NCHW float32 on the CPU; tiles are often channels-last views.
        using Tensor source = input.to(ScalarType.Float32).cpu().contiguous();
        Tensor output = torch.empty([shape[0], shape[1], outHeight, outWidth], ScalarType.Float32);
        Run(source, output);
        return output;
    }

    private unsafe void Run(Tensor source, Tensor output)
    {
        Span<byte> input = source.bytes;
        Span<byte> result = output.bytes;
        fixed (byte* inputMemory = input)
        fixed (byte* resultMemory = result)
        {
            using var inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                source.shape, (IntPtr)inputMemory, input.Length);
            using var outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                output.shape, (IntPtr)resultMemory, result.Length);
            _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
