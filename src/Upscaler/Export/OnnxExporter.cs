using Google.Protobuf;
using Onnx;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using static SeRanet.Video.Upscaler.Export.OnnxGraphWriter;

namespace SeRanet.Video.Upscaler.Export;

/// <summary>
/// Writes a model as an ONNX file that other runtimes (ONNX Runtime, vs-mlrt, chaiNNer...) run
/// as it is: [N, C, H, W] in [0, 1] to [N, C, 2H, 2W], with the edge padding inside, so a caller
/// needs to know nothing about the network's context. The graph is the inference form
/// (<see cref="FusedSplitSplice"/>) operator for operator, which is what keeps the two equal;
/// the model header travels in the metadata (see <see cref="OnnxMetadata"/>).
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "input";
    public const string OutputName = "output";

    // The slope TorchScalars.LeakySlope holds, as a float attribute.
    private const float LeakySlope = 0.1f;

    public static ModelProto Build(LoadedModel model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        options.Validate();
        if (model.Header.Scale != 2)
        {
            throw new InvalidOperationException($"Only 2x networks export; {model.Header.Name} is {model.Header.Scale}x.");
        }
        using var inference = model.Network.CreateInferenceForm();
        if (inference is not FusedSplitSplice fused)
        {
            throw new InvalidOperationException($"The {model.Header.Architecture} architecture has no ONNX export.");
        }

        var graph = new GraphProto { Name = model.Header.Name };
        var writer = new OnnxGraphWriter(graph, options.Float16);
        int channels = model.Network.Channels;
        graph.Input.Add(writer.Value(InputName, Dim("N"), Dim(channels), Dim("H"), Dim("W")));
        graph.Output.Add(writer.Value(OutputName, Dim("N"), Dim(channels), Dim("H2"), Dim("W2")));
        var points = options.Quantization is { } int8 ? QuantizationPoints.Int8(writer, graph, int8)
            : options.ExposesQuantizationPoints ? QuantizationPoints.Calibration(writer, graph)
            : QuantizationPoints.Float(writer, graph);
        WriteNetwork(writer, points, fused.Layers, options.PadsEdges ? model.Network.Padding : 0);

        var proto = new ModelProto
        {
            IrVersion = options.IrVersion,
            ProducerName = "seranet",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = OnnxMetadata.Summary(model),
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        proto.MetadataProps.AddRange(OnnxMetadata.Entries(model, options));
        return proto;
    }

    /// <summary>Writes the file whole or not at all: a temporary beside it is renamed when complete.</summary>
    public static void Write(LoadedModel model, string path, OnnxExportOptions options)
    {
        byte[] bytes = Build(model, options).ToByteArray();
        string fullPath = Path.GetFullPath(path);
        string temporary = fullPath + ".partial";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, fullPath, overwrite: true);
    }

    /// <summary>
    /// The nodes of <see cref="FusedSplitSplice.Forward"/>, in its order, after an edge pad of P
    /// (none when 0). <paramref name="points"/> marks the tensors an int8 graph quantises: the
    /// image into the first convolutions, every convolution's output but the bicubic's, every
    /// activation, the fusion's concatenation and the sum a context path joins.
    /// </summary>
    private static void WriteNetwork(OnnxGraphWriter writer, QuantizationPoints points, FusedLayers layers, int padding)
    {
        // The C# inference pads by replication before the network; ONNX's "edge" is the same.
        string padded = padding == 0
            ? InputName
            : writer.Node("pad", "Pad",
                [InputName, writer.Int64s("pad.pads", 0, 0, padding, padding, 0, 0, padding, padding)],
                Text("mode", "edge"));
        string image = points.QuantizesFirstConvolutions ? points.Image(padded) : padded;

        string? joined = layers.ContextJoin is { } join ? ContextPath(writer, points, image, layers, join) : null;
        var options = layers.Options;
        string leaky = CenterCrop(writer, points, "lrelu_path.crop", image, options.ContextMargin);
        for (int i = 0; i < layers.LeakyPath.Count; i++)
        {
            leaky = LeakyRelu(writer, points, $"lrelu_path.act{i + 1}", Convolution(writer, points, $"lrelu_path.conv{i + 1}", leaky, layers.LeakyPath[i]));
            if (joined is not null && i + 1 == options.Context!.JoinAfter)
            {
                leaky = points.Measured(writer.Node("context_join.add", "Add", [leaky, joined]));
            }
        }
        string features = leaky;
        if (layers.SigmoidPath.Count > 0)
        {
            string sigmoid = image;
            for (int i = 0; i < layers.SigmoidPath.Count; i++)
            {
                sigmoid = points.Measured(writer.Node($"crbm_path.act{i + 1}", "Sigmoid",
                    [Convolution(writer, points, $"crbm_path.conv{i + 1}", sigmoid, layers.SigmoidPath[i])]));
            }
            features = points.Measured(writer.Node("fusion", "Concat", [leaky, sigmoid], Int("axis", 1)));
        }

        string x = features;
        for (int i = 0; i < layers.Branches.Count; i++)
        {
            x = LeakyRelu(writer, points, $"branches.act{i + 1}", Convolution(writer, points, $"branches.conv{i + 1}", x, layers.Branches[i]));
        }

        if (layers.OutputBeforeSplice is { } output)
        {
            x = Convolution(writer, points, "tail.output.folded", CenterCrop(writer, points, "tail.output.crop", x, layers.OutputCrop), output,
                quantized: points.QuantizesOutputConvolution);
            if (layers.BicubicBeforeSplice is { } bicubic)
            {
                x = writer.Node("residual", "Add", [x, Bicubic(writer, points, padded, layers, bicubic)]);
            }
            x = writer.Node("splice", "DepthToSpace", [x], Int("blocksize", 2), Text("mode", "CRD"));
        }
        else
        {
            // Branch k = 2 dy + dx owns channel block k: depth-to-space's DCR order.
            string branches = x;
            x = points.Derived(writer.Node("splice", "DepthToSpace", [x], Int("blocksize", 2), Text("mode", "DCR")), branches);
            for (int i = 0; i < layers.Tail.Count; i++)
            {
                bool last = i == layers.Tail.Count - 1;
                string name = last ? "tail.output" : $"tail.conv{i + 1}";
                x = Convolution(writer, points, name, x, layers.Tail[i], quantized: !last || points.QuantizesOutputConvolution);
                if (!last)
                {
                    x = LeakyRelu(writer, points, $"tail.act{i + 1}", x);
                }
            }
            x = CenterCrop(writer, points, "tail.crop", x, layers.TailCrop);
            if (layers.BicubicBeforeSplice is { } bicubic)
            {
                string upscaled = writer.Node("bicubic.splice", "DepthToSpace", [Bicubic(writer, points, padded, layers, bicubic)],
                    Int("blocksize", 2), Text("mode", "CRD"));
                x = writer.Node("residual", "Add", [x, upscaled]);
            }
        }

        writer.Node(OutputName, "Clip", [x, writer.Floats("clip.min", [0f], []), writer.Floats("clip.max", [1f], [])]);
    }

    /// <summary>
    /// The context path over the whole padded image and its join, cropped to the feature path's size
    /// after <see cref="ContextPathOptions.JoinAfter"/> layers (<see cref="FusedLayers.ContextJoinCrop"/>).
    /// </summary>
    private static string ContextPath(OnnxGraphWriter writer, QuantizationPoints points, string image, FusedLayers layers, FusedConvolution join)
    {
        string x = image;
        for (int i = 0; i < layers.ContextPath.Count; i++)
        {
            x = LeakyRelu(writer, points, $"context_path.act{i + 1}", Convolution(writer, points, $"context_path.conv{i + 1}", x, layers.ContextPath[i]));
        }
        x = Convolution(writer, points, "context_join", x, join);
        return CenterCrop(writer, points, "context_join.crop", x, layers.ContextJoinCrop);
    }

    /// <summary>torch's bicubic 2x of the input, four sub-pixels per channel (CRD order), at low resolution.</summary>
    /// <remarks>Always float, from the float input: see <see cref="Int8Quantization"/>.</remarks>
    private static string Bicubic(OnnxGraphWriter writer, QuantizationPoints points, string padded, FusedLayers layers, FusedConvolution bicubic) =>
        FloatConvolution(writer, "bicubic", CenterCrop(writer, points, "bicubic.crop", padded, layers.BicubicMargin), bicubic);

    /// <summary>
    /// A convolution: int8 where its input is quantised and <paramref name="quantized"/> allows it,
    /// float otherwise; its output is a quantisation point either way (measured, and quantised
    /// after an int8 convolution).
    /// </summary>
    private static string Convolution(OnnxGraphWriter writer, QuantizationPoints points, string name, string input, FusedConvolution layer, bool quantized = true)
    {
        if (quantized && points.IsQuantized(input, out _))
        {
            return points.Convolution(name, input, layer);
        }
        string output = FloatConvolution(writer, name, input, layer);
        return points.Exposes ? points.Measured(output) : output;
    }

    private static string FloatConvolution(OnnxGraphWriter writer, string name, string input, FusedConvolution layer)
    {
        List<string> inputs = [input, writer.Weight(name + ".weight", layer.Weight)];
        if (layer.Bias is { } bias)
        {
            inputs.Add(writer.Weight(name + ".bias", bias));
        }
        return writer.Node(name, "Conv", inputs, OnnxGraphWriter.ConvolutionAttributes(layer));
    }

    private static string LeakyRelu(OnnxGraphWriter writer, QuantizationPoints points, string name, string input) =>
        points.Measured(writer.Node(name, "LeakyRelu", [input], Float("alpha", LeakySlope)));

    /// <summary>
    /// Removes <paramref name="crop"/> pixels from every side: static offsets, with ends counted
    /// from the end, so height and width stay dynamic.
    /// </summary>
    private static string CenterCrop(OnnxGraphWriter writer, QuantizationPoints points, string name, string input, int crop)
    {
        if (crop < 0)
        {
            throw new InvalidOperationException($"{name}: the network's padding leaves {crop} pixels to crop; the export would not match.");
        }
        return crop == 0
            ? input
            : points.Derived(writer.Node(name, "Slice", [
                input,
                writer.Int64s(name + ".starts", crop, crop),
                writer.Int64s(name + ".ends", -crop, -crop),
                writer.Int64s(name + ".axes", 2, 3),
            ]), input);
    }
}
