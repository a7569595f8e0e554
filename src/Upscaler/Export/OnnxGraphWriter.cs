using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Export;

/// <summary>
/// Appends nodes and initializers to an ONNX graph, each named after the layer it comes from so
/// the graph reads like the weight file in a viewer such as Netron. Floats are written in the
/// graph's element type (float32 or float16), little-endian as ONNX's raw_data requires.
/// </summary>
internal sealed class OnnxGraphWriter(GraphProto graph, bool float16)
{
    public const int Float32Type = (int)TensorProto.Types.DataType.Float;
    public const int Float16Type = (int)TensorProto.Types.DataType.Float16;
    private const int Int64Type = (int)TensorProto.Types.DataType.Int64;

    public int ElementType { get; } = float16 ? Float16Type : Float32Type;

    /// <summary>A float tensor from torch (any layout, any device), in the graph's element type.</summary>
    public string Weight(string name, Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        float[] values = tensor.detach().to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
        return Floats(name, values, tensor.shape);
    }

    public string Floats(string name, float[] values, long[] shape)
    {
        int size = float16 ? 2 : 4;
        byte[] bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (float16)
            {
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * size), (Half)values[i]);
            }
            else
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * size), values[i]);
            }
        }
        var proto = new TensorProto { Name = name, DataType = ElementType, RawData = ByteString.CopyFrom(bytes) };
        proto.Dims.AddRange(shape);
        graph.Initializer.Add(proto);
        return name;
    }

    public string Int64s(string name, params long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = Int64Type };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node whose single output is named <paramref name="name"/>, and returns that name.</summary>
    public string Node(string name, string op, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = op };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return name;
    }

    public ValueInfoProto Value(string name, params TensorShapeProto.Types.Dimension[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims);
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementType, Shape = shape } },
        };
    }

    public static TensorShapeProto.Types.Dimension Dim(long value) => new() { DimValue = value };

    public static TensorShapeProto.Types.Dimension Dim(string symbol) => new() { DimParam = symbol };

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A Conv node's attributes for <paramref name="layer"/>: its kernel, and its groups and dilation where they are not 1.</summary>
    public static AttributeProto[] ConvolutionAttributes(Architectures.FusedConvolution layer)
    {
        long kernel = layer.Weight.shape[2];
        var attributes = new List<AttributeProto> { Ints("kernel_shape", kernel, kernel) };
        if (layer.Groups != 1)
        {
            attributes.Add(Int("group", layer.Groups));
        }
        if (layer.Dilation != 1)
        {
            attributes.Add(Ints("dilations", layer.Dilation, layer.Dilation));
        }
        return [.. attributes];
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
