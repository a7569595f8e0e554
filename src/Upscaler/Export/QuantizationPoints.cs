using System.Buffers.Binary;
using Onnx;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Export;

/// <summary>
/// The tensors of the exported graph where an int8 graph changes number format, and what happens
/// there in each kind of export: nothing (float), a graph output for the calibration session to
/// read the values from, or a QuantizeLinear/DequantizeLinear pair with the measured range (uint8,
/// per tensor). ONNX Runtime fuses DequantizeLinear, Conv and QuantizeLinear into QLinearConv
/// (and the activations between them into their QLinear forms), so the graph stays the float
/// graph in its structure and a runtime without int8 kernels can still run it in float.
/// </summary>
internal sealed class QuantizationPoints
{
    private const int UInt8Type = (int)TensorProto.Types.DataType.Uint8;
    private const int Int8Type = (int)TensorProto.Types.DataType.Int8;
    private const int Int32Type = (int)TensorProto.Types.DataType.Int32;

    private readonly OnnxGraphWriter _writer;
    private readonly GraphProto _graph;
    private readonly Int8Quantization? _int8;
    private readonly bool _exposes;
    private readonly Dictionary<string, (float Scale, byte ZeroPoint)> _quantized = new(StringComparer.Ordinal);
    private readonly List<string> _exposed = [];

    private QuantizationPoints(OnnxGraphWriter writer, GraphProto graph, Int8Quantization? int8, bool exposes)
    {
        _writer = writer;
        _graph = graph;
        _int8 = int8;
        _exposes = exposes;
    }

    public static QuantizationPoints Float(OnnxGraphWriter writer, GraphProto graph) => new(writer, graph, null, false);

    /// <summary>Every point becomes a graph output (float), for measuring ranges.</summary>
    public static QuantizationPoints Calibration(OnnxGraphWriter writer, GraphProto graph) => new(writer, graph, null, true);

    public static QuantizationPoints Int8(OnnxGraphWriter writer, GraphProto graph, Int8Quantization int8) => new(writer, graph, int8, false);

    public bool QuantizesFirstConvolutions => _int8?.FirstConvolutions ?? false;

    public bool QuantizesOutputConvolution => _int8?.OutputConvolution ?? false;

    /// <summary>Whether this is the calibration graph, every point a graph output.</summary>
    public bool Exposes => _exposes;

    /// <summary>The tensors a calibration reads, in graph order.</summary>
    public IReadOnlyList<string> ExposedTensors => _exposed;

    /// <summary>
    /// A point with a range of its own: returns the name consumers read (the DequantizeLinear's
    /// output in an int8 graph, the tensor itself otherwise).
    /// </summary>
    public string Measured(string tensor)
    {
        if (_exposes)
        {
            _exposed.Add(tensor);
            _graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxGraphWriter.Float32Type } },
            });
            return tensor;
        }
        if (_int8 is null)
        {
            return tensor;
        }
        if (!_int8.Ranges.Tensors.TryGetValue(tensor, out ValueRange range))
        {
            throw new InvalidOperationException(
                $"The int8 activation ranges of {_int8.Ranges.Model} have no range for {tensor}: they were measured on another form of the network; measure them again.");
        }
        var (scale, zeroPoint) = UInt8Parameters(range);
        return QuantizeDequantize(tensor, scale, zeroPoint);
    }

    /// <summary>
    /// The image in [0, 1]: it needs no measuring, and 1/255 steps from zero hold every level of an
    /// 8-bit picture exactly.
    /// </summary>
    public string Image(string tensor) => _int8 is null ? tensor : QuantizeDequantize(tensor, 1f / 255f, 0);

    /// <summary>
    /// A tensor that holds only values of <paramref name="source"/> (a crop, a rearrangement): in
    /// an int8 graph it takes the source's scale, so the runtime can move the 8-bit values as they are.
    /// </summary>
    public string Derived(string tensor, string source) =>
        _quantized.TryGetValue(source, out var parameters) ? QuantizeDequantize(tensor, parameters.Scale, parameters.ZeroPoint) : tensor;

    /// <summary>Whether <paramref name="tensor"/> is the dequantised form of an 8-bit tensor, and with what scale.</summary>
    public bool IsQuantized(string tensor, out float scale)
    {
        bool found = _quantized.TryGetValue(tensor, out var parameters);
        scale = parameters.Scale;
        return found;
    }

    /// <summary>
    /// An int8 convolution reading the 8-bit <paramref name="input"/>: weights symmetric int8 per
    /// output channel, bias int32 at the input scale times each channel's weight scale (what
    /// QLinearConv accumulates in), and its output quantised at its own measured range.
    /// </summary>
    public string Convolution(string name, string input, FusedConvolution layer)
    {
        if (!IsQuantized(input, out float inputScale))
        {
            throw new InvalidOperationException($"{name}: its input {input} is not quantised.");
        }
        using var scope = torch.NewDisposeScope();
        Tensor weight = layer.Weight.detach().to(ScalarType.Float32, CPU).contiguous();
        long outputs = weight.shape[0];
        Tensor perChannel = weight.reshape(outputs, -1);
        float[] weightScales = (perChannel.abs().amax([1]) / 127f).clamp_min(1e-12f).data<float>().ToArray();
        Tensor scaleColumn = torch.tensor(weightScales).reshape(outputs, 1);
        float[] levels = (perChannel / scaleColumn).round().clamp(-127f, 127f).contiguous().data<float>().ToArray();

        string weightInt8 = Raw($"{name}.weight.int8", Int8Type, levels.Select(v => (byte)(sbyte)v).ToArray(), weight.shape);
        string weightScale = _writer.Floats($"{name}.weight.scale", weightScales, [outputs]);
        string weightZero = Raw($"{name}.weight.zero_point", Int8Type, new byte[outputs], [outputs]);
        List<string> inputs = [input, _writer.Node($"{name}.weight.dq", "DequantizeLinear", [weightInt8, weightScale, weightZero], OnnxGraphWriter.Int("axis", 0))];
        if (layer.Bias is { } bias)
        {
            float[] values = bias.detach().to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
            float[] biasScales = weightScales.Select(s => s * inputScale).ToArray();
            byte[] biasBytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(biasBytes.AsSpan(i * 4), (int)Math.Round(values[i] / biasScales[i], MidpointRounding.ToEven));
            }
            string biasInt32 = Raw($"{name}.bias.int32", Int32Type, biasBytes, [outputs]);
            string biasScale = _writer.Floats($"{name}.bias.scale", biasScales, [outputs]);
            string biasZero = Raw($"{name}.bias.zero_point", Int32Type, new byte[outputs * 4], [outputs]);
            inputs.Add(_writer.Node($"{name}.bias.dq", "DequantizeLinear", [biasInt32, biasScale, biasZero], OnnxGraphWriter.Int("axis", 0)));
        }
        return Measured(_writer.Node(name, "Conv", inputs, OnnxGraphWriter.ConvolutionAttributes(layer)));
    }

    /// <summary>
    /// Asymmetric uint8 parameters for a range: the range widened to hold zero (so zero, the
    /// padding value, is exact), 255 steps across it.
    /// </summary>
    public static (float Scale, byte ZeroPoint) UInt8Parameters(ValueRange range)
    {
        float low = Math.Min(range.Min, 0f);
        float high = Math.Max(range.Max, 0f);
        float scale = Math.Max((high - low) / 255f, 1e-8f);
        double zero = Math.Round(-low / scale, MidpointRounding.ToEven);
        return (scale, (byte)Math.Clamp(zero, 0, 255));
    }

    private string QuantizeDequantize(string tensor, float scale, byte zeroPoint)
    {
        string scaleName = _writer.Floats($"{tensor}.scale", [scale], []);
        string zeroName = Raw($"{tensor}.zero_point", UInt8Type, [zeroPoint], []);
        string quantized = _writer.Node($"{tensor}.q", "QuantizeLinear", [tensor, scaleName, zeroName]);
        string dequantized = _writer.Node($"{tensor}.dq", "DequantizeLinear", [quantized, scaleName, zeroName]);
        _quantized[dequantized] = (scale, zeroPoint);
        return dequantized;
    }

    private string Raw(string name, int dataType, byte[] bytes, long[] shape)
    {
        var proto = new TensorProto { Name = name, DataType = dataType, RawData = Google.Protobuf.ByteString.CopyFrom(bytes) };
        proto.Dims.AddRange(shape);
        _graph.Initializer.Add(proto);
        return name;
    }
}
