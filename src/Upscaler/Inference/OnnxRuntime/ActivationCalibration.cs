using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace SeRanet.Video.Upscaler.Inference.OnnxRuntime;

/// <summary>
/// Measures the activation ranges an int8 graph is quantised with. The float graph, with every
/// quantisation point as an extra output, runs under ONNX Runtime over the centres of real photos
/// twice: once for each tensor's least and greatest value, once for a histogram of its values
/// between them. Each tensor then gets the range whose 8-bit form loses least (<see cref="RangeChoice"/>):
/// the extremes of a few pixels would otherwise set a step several times coarser for all the others.
/// </summary>
public sealed class ActivationCalibration : IDisposable
{
    /// <summary>
    /// The side of the square taken from the centre of each photo: every activation of a 4-megapixel
    /// photo at once would need gigabytes, and a hundred centres show the values as well.
    /// </summary>
    public const int CropSide = 256;

    private readonly LoadedModel _model;
    private readonly InferenceSession _session;
    private readonly string[] _points;
    private readonly Dictionary<string, float> _negativeWeights;
    private readonly List<Tensor> _inputs = [];

    private ActivationCalibration(LoadedModel model, InferenceSession session, string[] points, Dictionary<string, float> negativeWeights)
    {
        _model = model;
        _session = session;
        _points = points;
        _negativeWeights = negativeWeights;
    }

    /// <summary>Opens a calibration session for <paramref name="model"/> (on the CPU; the model stays the caller's).</summary>
    public static ActivationCalibration Open(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto graph = OnnxExporter.Build(model, new OnnxExportOptions { PadsEdges = false, ExposesQuantizationPoints = true });
        string[] points = graph.Graph.Output.Select(output => output.Name).Where(name => name != OnnxExporter.OutputName).ToArray();
        using var options = OnnxRuntimeProviders.CreateSessionOptions(cuda: false);
        // Every photo has its own size and returns every activation: an arena would keep the
        // largest blocks of each size it ever served.
        options.EnableCpuMemArena = false;
        return new ActivationCalibration(model, new InferenceSession(graph.ToByteArray(), options), points, NegativeWeights(graph.Graph));
    }

    /// <summary>The photos added so far.</summary>
    public int Photos => _inputs.Count;

    /// <summary>
    /// Adds the centre of one RGB photo (at most <see cref="CropSide"/> square) at its own
    /// resolution, as the tool would upscale it: luma for a Y model, the edges replicated by the
    /// network's context.
    /// </summary>
    public void Add(ImagePlanes photo)
    {
        using var scope = torch.NewDisposeScope();
        Tensor input = PhotoCentre.Take(photo, CropSide, _model.Network.Channels);
        int p = _model.Padding;
        _inputs.Add(nn.functional.pad(input, [p, p, p, p], PaddingModes.Replicate).contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>The ranges for the model's weights, from two passes over the photos added.</summary>
    /// <param name="calibration">Where the photos came from, written into the result for its reader.</param>
    public ActivationRanges Result(string calibration)
    {
        if (_inputs.Count == 0)
        {
            throw new InvalidOperationException("No photos were added.");
        }
        var extremes = _points.ToDictionary(name => name, _ => ValueRange.Empty, StringComparer.Ordinal);
        RunAll((name, values) =>
        {
            float min = float.PositiveInfinity;
            float max = float.NegativeInfinity;
            foreach (float value in values)
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
            extremes[name] = extremes[name].Including(min, max);
        });
        var histograms = _points.ToDictionary(name => name, name => new ValueHistogram(extremes[name]), StringComparer.Ordinal);
        RunAll((name, values) => histograms[name].Add(values));

        var ranges = new SortedDictionary<string, ValueRange>(StringComparer.Ordinal);
        foreach (string name in _points)
        {
            ranges[name] = RangeChoice.LeastError(histograms[name], _negativeWeights.GetValueOrDefault(name, 1f));
        }
        return new ActivationRanges
        {
            Model = _model.Header.Name,
            WeightsSha256 = _model.Header.PayloadSha256,
            Calibration = calibration,
            Photos = _inputs.Count,
            Tensors = ranges,
        };
    }

    /// <summary>
    /// How much an error on a negative value counts against one on a positive value, per tensor: a
    /// Leaky ReLU's input reaches the next layer with its negative side times the slope, so its
    /// squared errors there count at the slope squared.
    /// </summary>
    private static Dictionary<string, float> NegativeWeights(GraphProto graph)
    {
        var weights = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (NodeProto node in graph.Node.Where(node => node.OpType == "LeakyRelu"))
        {
            float slope = node.Attribute.Single(attribute => attribute.Name == "alpha").F;
            weights[node.Input[0]] = slope * slope;
        }
        return weights;
    }

    private unsafe void RunAll(Action<string, ReadOnlySpan<float>> visit)
    {
        using var runOptions = new RunOptions();
        foreach (Tensor padded in _inputs)
        {
            Span<byte> bytes = padded.bytes;
            fixed (byte* memory = bytes)
            {
                using var input = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                    padded.shape, (IntPtr)memory, bytes.Length);
                using var results = _session.Run(runOptions, [OnnxExporter.InputName], [input], _points);
                for (int i = 0; i < _points.Length; i++)
                {
                    visit(_points[i], results[i].GetTensorDataAsSpan<float>());
                }
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        foreach (Tensor input in _inputs)
        {
            input.Dispose();
        }
    }
}
