using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Evaluation;
using SeRanet.Video.Training.Metrics;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Inference.OnnxRuntime;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// <c>--precision int8</c>: the QDQ graph passes the ONNX checker, ONNX Runtime really runs it on
/// its 8-bit convolutions, it keeps the picture on a real photo, it is built only from ranges of
/// the model's own weights, and it is refused where it was not measured (torch, CUDA, no VNNI).
/// </summary>
public class Int8PrecisionTests
{
    private static LoadedModel Shipped(string name = Presets.SeRanetFastDeep) => RepoModels.Catalog.Load(name);

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Int8_keeps_the_picture_of_a_real_photo_and_is_not_fp32_under_another_name()
    {
        if (!CpuFeatures.HasVnni)
        {
            // Refused here; Int8_is_refused_without_vnni_or_off_the_cpu holds the rule.
            return;
        }
        var (high, low) = await Evaluator.PrepareAsync(Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png"), FfmpegLocation.OnPath, CancellationToken.None);
        using var fp32 = ImageUpscaler.Open(Shipped(), torch.CPU, new UpscaleOptions { Backend = InferenceBackend.OnnxRuntime });
        using var int8 = ImageUpscaler.Open(Shipped(), torch.CPU, new UpscaleOptions { Backend = InferenceBackend.OnnxRuntime, Precision = InferencePrecision.Int8, TileSize = 96 });
        Assert.Equal(InferencePrecision.Int8, int8.Precision);

        var reference = fp32.Upscale(low).Quantized8();
        var reduced = int8.Upscale(low).Quantized8();

        double fp32Db = Psnr.Luma(high, reference, Evaluator.Shave);
        double int8Db = Psnr.Luma(high, reduced, Evaluator.Shave);
        // butterfly, the sharpest photo of the set, lost 0.086 dB here (33.4958 to 33.4102); the
        // set's mean loss is 0.03 dB (README, "Precision").
        Assert.True(fp32Db - int8Db <= 0.1, $"int8 {int8Db:F3} dB against fp32 {fp32Db:F3} dB");
        // Close to the float picture, not merely as good against the truth: the PSNR between the
        // two outputs was 51.5 dB here.
        double between = Psnr.Luma(reference, reduced, Evaluator.Shave);
        Assert.True(between >= 48, $"int8 is {between:F2} dB from fp32");
        // Yet not the float graph: 8-bit activations change pixels.
        Assert.True(between < 80, "int8 gave fp32's picture");
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Int8_tiles_give_the_whole_pictures_values()
    {
        if (!CpuFeatures.HasVnni)
        {
            return;
        }
        // Fixed scales, not ranges of the tile at hand: a tile computes what the whole picture does.
        var (_, low) = await Evaluator.PrepareAsync(Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png"), FfmpegLocation.OnPath, CancellationToken.None);
        ImagePlanes Run(int tile)
        {
            using var upscaler = ImageUpscaler.Open(Shipped(), torch.CPU, new UpscaleOptions { Backend = InferenceBackend.OnnxRuntime, Precision = InferencePrecision.Int8, TileSize = tile });
            return upscaler.Upscale(low);
        }
        var whole = Run(1024);
        var tiled = Run(40);
        float error = whole.Data.Zip(tiled.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(error <= 1e-5f, $"tiles differ from the whole picture by {error:E2}");
    }

    [Fact]
    [Trait("Category", "Integration")]
    public void The_int8_graph_passes_the_onnx_checker_with_qdq_around_all_but_the_float_convolutions()
    {
        using var temp = new TempFolder();
        string path = temp.File("int8.onnx");
        using var loaded = Shipped();
        var options = new OnnxExportOptions { Quantization = OnnxRuntimeNetwork.Int8For(loaded) };
        OnnxExporter.Write(loaded, path, options);
        Assert.Equal("N 1 H2 W2", OnnxChecker.Check(path));

        GraphProto graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
        var producers = graph.Node.ToDictionary(node => node.Output[0], StringComparer.Ordinal);
        var convolutions = graph.Node.Where(node => node.OpType == "Conv").ToList();
        // An int8 convolution's weights come through DequantizeLinear; a float one reads them as they are.
        var int8 = convolutions.Where(conv => producers.TryGetValue(conv.Input[1], out var weight) && weight.OpType == "DequantizeLinear").Select(conv => conv.Name).ToList();
        // Both paths' second and third layers and both branch layers; the first layers (one input
        // channel), the output and the residual's bicubic stay float.
        Assert.Equal(["lrelu_path.conv2", "lrelu_path.conv3", "crbm_path.conv2", "crbm_path.conv3", "branches.conv1", "branches.conv2"], int8);
        Assert.Equal(10, convolutions.Count);
        foreach (var conv in convolutions.Where(conv => int8.Contains(conv.Name)))
        {
            // Input 8-bit, bias int32, output quantised again: the pattern ONNX Runtime fuses
            // into QLinearConv.
            Assert.Equal("DequantizeLinear", producers[conv.Input[0]].OpType);
            Assert.Equal("DequantizeLinear", producers[conv.Input[2]].OpType);
            Assert.Single(graph.Node, node => node.OpType == "QuantizeLinear" && node.Input[0] == conv.Name);
        }
        Assert.Equal("int8 (QDQ: uint8 activations, int8 weights)", OnnxExporter.Build(loaded, options).MetadataProps.Single(e => e.Key == "precision").Value);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public void Onnx_runtime_runs_the_int8_convolutions_on_its_8_bit_kernels()
    {
        using var temp = new TempFolder();
        string optimized = temp.File("optimized.onnx");
        using var loaded = Shipped();
        byte[] graph = OnnxExporter.Build(loaded, new OnnxExportOptions { Quantization = OnnxRuntimeNetwork.Int8For(loaded) }).ToByteArray();
        using (var options = OnnxRuntimeProviders.CreateSessionOptions(cuda: false))
        {
            options.OptimizedModelFilePath = optimized;
            using var session = new InferenceSession(graph, options);
        }
        var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node.Select(node => node.OpType).ToList();
        // Not float convolutions between quantise and dequantise steps: the fused 8-bit forms.
        Assert.Equal(6, ops.Count(op => op == "QLinearConv"));
        Assert.Equal(4, ops.Count(op => op == "Conv" || op == "FusedConv"));
    }

    [Fact]
    public void Shipped_int8_ranges_belong_to_the_shipped_weights()
    {
        foreach (string path in Directory.GetFiles(RepoModels.Folder, "*" + ActivationRanges.Extension))
        {
            string model = Path.Combine(RepoModels.Folder, Path.GetFileName(path)[..^ActivationRanges.Extension.Length] + ModelFile.Extension);
            using var loaded = ModelFile.Load(model);
            Assert.NotNull(loaded.Int8Ranges);
            // A retrained model with its old ranges would quantise with the wrong scales.
            Assert.Equal(loaded.Header.PayloadSha256, loaded.Int8Ranges.WeightsSha256);
            Assert.Equal(loaded.Header.Name, loaded.Int8Ranges.Model);
            Assert.True(loaded.Int8Ranges.Photos >= 100, $"{path}: {loaded.Int8Ranges.Photos} photos");
        }
        // The default model is also embedded; its ranges travel with it.
        using var embedded = ModelCatalog.EmbeddedOnly.Load(null);
        Assert.Equal(embedded.Header.PayloadSha256, embedded.Int8Ranges?.WeightsSha256);
        Assert.DoesNotContain(ModelCatalog.EmbeddedOnly.Available(), name => name.Contains("int8", StringComparison.Ordinal));
    }

    [Fact]
    public void Int8_needs_ranges_measured_on_the_models_own_weights()
    {
        var options = Presets.Get(Presets.SeRanetFast, 1);
        using var untrained = new LoadedModel(ModelFile.HeaderFor("untrained", options, ColorMode.Y), ArchitectureRegistry.Build(options));
        var none = Assert.Throws<InvalidOperationException>(() => OnnxRuntimeNetwork.Int8For(untrained));
        Assert.Contains("needs the activation ranges of untrained", none.Message, StringComparison.Ordinal);

        using var shipped = Shipped(Presets.SeRanetFast);
        using var deep = Shipped();
        using var borrowed = new LoadedModel(shipped.Header, shipped.Network) { Int8Ranges = deep.Int8Ranges };
        var other = Assert.Throws<InvalidOperationException>(() => OnnxRuntimeNetwork.Int8For(borrowed));
        Assert.Contains("measured for other weights", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8_is_for_the_onnxruntime_backend_only()
    {
        var error = Assert.Throws<ArgumentException>(new UpscaleOptions { Precision = InferencePrecision.Int8 }.Validate);
        Assert.Equal("int8 precision runs on the onnxruntime backend only, not on torch.", error.Message);
        new UpscaleOptions { Precision = InferencePrecision.Int8, Backend = InferenceBackend.OnnxRuntime }.Validate();
        Assert.Equal("int8", InferencePrecision.Int8.Name());
    }

    [Fact]
    public void Int8_is_refused_without_vnni_or_off_the_cpu()
    {
        Assert.Contains("AVX512-VNNI", InferencePrecisions.Refusal(InferencePrecision.Int8, DeviceType.CPU, cpuHasVnni: false), StringComparison.Ordinal);
        Assert.Contains("CPU only", InferencePrecisions.Refusal(InferencePrecision.Int8, DeviceType.CUDA, cpuHasVnni: true), StringComparison.Ordinal);
        Assert.Null(InferencePrecisions.Refusal(InferencePrecision.Int8, DeviceType.CPU, cpuHasVnni: true));
        Assert.True(CpuFeatures.ParseFlags(["flags\t\t: fpu avx512f avx512_vnni"]).Contains("avx512_vnni"));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Calibration_is_the_same_every_time_and_cuts_rare_extremes()
    {
        string folder = RepoPaths.RequireFolder(RepoPaths.EvaluationData);
        using var loaded = Shipped();
        ActivationRanges Measure()
        {
            using var calibration = ActivationCalibration.Open(loaded);
            foreach (string name in new[] { "butterfly.png", "coffee.png" })
            {
                using var frame = ImageFileReader.ReadAsync(Path.Combine(folder, name), FfmpegLocation.OnPath).GetAwaiter().GetResult();
                calibration.Add(ImagePlanes.FromFrame(frame));
            }
            return calibration.Result("two photos of the public set");
        }

        var first = Measure();
        var second = Measure();
        Assert.Equal(first.Tensors, second.Tensors);
        Assert.Equal(2, first.Photos);
        // One range per quantisation point: 6 convolution outputs beside the 4 float ones
        // measured too (all but the bicubic), 8 activations and the fusion.
        Assert.Equal(18, first.Tensors.Count);
        // A Leaky ReLU input keeps little of its long negative tail (it reaches the next layer at a
        // tenth); the ranges stay inside the extremes and hold zero.
        var conv3 = first.Tensors["lrelu_path.conv3"];
        Assert.True(conv3.Min < 0 && conv3.Max > 0);

        using var temp = new TempFolder();
        string path = temp.File("ranges" + ActivationRanges.Extension);
        first.Write(path);
        using var stream = File.OpenRead(path);
        Assert.Equal(first.Tensors, ActivationRanges.Read(stream, path).Tensors);
        await Task.CompletedTask;
    }

    [Fact]
    public void The_range_with_the_least_error_cuts_a_rare_tail_and_keeps_a_full_one()
    {
        // A million values in [0, 1) and one at -10: keeping all of it would make every step 5.5
        // times coarser for the million; the least error clips it (here to -3.8).
        var rare = new ValueHistogram(new ValueRange(-10f, 1f));
        rare.Add(Enumerable.Range(0, 1_000_000).Select(i => i % 1000 / 1000f).ToArray());
        rare.Add([-10f]);
        ValueRange cut = RangeChoice.LeastError(rare, negativeWeight: 1);
        Assert.True(cut.Min > -5f && cut.Max > 0.95f, $"one value at -10 set the range to {cut}");

        var even = new ValueHistogram(new ValueRange(-1f, 1f));
        even.Add(Enumerable.Range(0, 20_001).Select(i => i / 10_000f - 1f).ToArray());
        Assert.Equal(new ValueRange(-1f, 1f), RangeChoice.LeastError(even, negativeWeight: 1));

        // A Leaky ReLU's negative side counts at the slope squared: more of it may be clipped.
        ValueRange leaky = RangeChoice.LeastError(even, negativeWeight: 0.01f);
        Assert.True(leaky.Min > -1f && leaky.Max == 1f, $"{leaky}");
    }
}
