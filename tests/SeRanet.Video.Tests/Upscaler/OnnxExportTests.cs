using SeRanet.Video.Core.Ffmpeg;
using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using SeRanet.Video.Cli;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Export;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// An exported ONNX file passes the reference checker and, under ONNX Runtime, computes what
/// TorchSharp computes on a real photo (the whole photo and an odd-sized crop), edge padding
/// included: the file is the model, not an approximation of it.
/// </summary>
[Trait("Category", "Integration")]
public class OnnxExportTests
{
    // Before quantisation to 8 bits, where one step is 1/255.
    private const float Tolerance = 1e-5f;

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string model in new[] { Presets.SeRanetFastDeep, Presets.SeRanetFast, "seranet-fast-deep-rgb", "untrained seranet-fast rgb", "untrained v1 topology rgb", "untrained tail residual y", "untrained context rgb", "untrained short context y" })
        {
            cases.Add(model, "butterfly");
            cases.Add(model, "odd crop");
        }
        // The shipped seed network is 125 times the work of the small ones: the crop only.
        cases.Add(Presets.SeRanetV1, "odd crop");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Onnx_runtime_computes_what_torch_computes(string model, string input)
    {
        using var temp = new TempFolder();
        string path = temp.File("model.onnx");
        Tensor rgb = await Photo(input);
        var loaded = Load(model);
        OnnxExporter.Write(loaded, path, new OnnxExportOptions());
        int channels = loaded.Network.Channels;
        Assert.Equal($"N {channels} H2 W2", OnnxChecker.Check(path));

        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        Tensor networkInput = channels == 1 ? ColorSpaces.RgbToYCbCr(rgb)[.., ..1].contiguous() : rgb;
        Tensor expected;
        if (channels == 3)
        {
            // RGB: the whole image path of the tool, one tile so no tile seams are involved.
            using var upscaler = ImageUpscaler.Open(loaded, torch.CPU, new UpscaleOptions { Scale = 2, TileSize = 1024 });
            expected = upscaler.UpscaleTensor(rgb);
        }
        else
        {
            // Y: the luma pass of the tool, the plane the exported network sees.
            using (loaded)
            {
                loaded.Network.ModuleForm.eval();
                using var fused = loaded.Network.CreateInferenceForm();
                int p = loaded.Padding;
                expected = fused.Forward(nn.functional.pad(networkInput, [p, p, p, p], PaddingModes.Replicate));
            }
        }

        var (shape, actual) = RunOnnx(path, networkInput);
        Assert.Equal(expected.shape, shape);
        float[] reference = expected.contiguous().data<float>().ToArray();
        float error = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(error <= Tolerance, $"ONNX Runtime differs from TorchSharp by {error:E2} ({error * 255:F5}/255)");
        // Not a vacuous match: most pixels are inside (0, 1), not clipped to the same constant.
        Assert.True(reference.Count(v => v is > 0f and < 1f) > reference.Length / 2, "the output is mostly clipped");
    }

    [Fact]
    public async Task A_float16_export_at_opset_17_checks_and_stays_close_to_float32()
    {
        using var temp = new TempFolder();
        string path = temp.File("model-fp16.onnx");
        Tensor rgb = await Photo("butterfly");
        using var loaded = RepoModels.Catalog.Load(Presets.SeRanetFastDeep);
        OnnxExporter.Write(loaded, path, new OnnxExportOptions { Opset = 17, Float16 = true });
        Assert.Equal("N 1 H2 W2", OnnxChecker.Check(path));

        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        Tensor y = ColorSpaces.RgbToYCbCr(rgb)[.., ..1].contiguous();
        using var fused = loaded.Network.CreateInferenceForm();
        int p = loaded.Padding;
        float[] reference = fused.Forward(nn.functional.pad(y, [p, p, p, p], PaddingModes.Replicate)).contiguous().data<float>().ToArray();

        var (shape, actual) = RunOnnx(path, y, float16: true);
        Assert.Equal([1L, 1, 2 * y.shape[2], 2 * y.shape[3]], shape);
        float error = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(error <= 4f / 255, $"float16 differs from float32 by {error * 255:F2}/255");
    }

    [Fact]
    public void The_metadata_carries_the_model_header()
    {
        using var loaded = RepoModels.Catalog.Load(Presets.SeRanetFastDeep);
        var metadata = OnnxExporter.Build(loaded, new OnnxExportOptions()).MetadataProps.ToDictionary(e => e.Key, e => e.Value);

        Assert.Equal(Presets.SeRanetFastDeep, metadata["name"]);
        Assert.Equal("Y", metadata["color_mode"]);
        Assert.Equal("2", metadata["scale"]);
        Assert.Equal(loaded.Padding.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["padding"]);
        Assert.Equal(loaded.Network.MultiplyAddsPerPixel.ToString(System.Globalization.CultureInfo.InvariantCulture), metadata["multiply_adds_per_pixel"]);
        Assert.Contains("seranet train", metadata["training"], StringComparison.Ordinal);
        Assert.Equal(loaded.Header.PayloadSha256, metadata["weights_sha256"]);
    }

    [Fact]
    public void The_export_command_writes_a_checked_file_and_keeps_an_existing_one()
    {
        using var temp = new TempFolder();
        string path = temp.File("fast.onnx");
        string[] args = ["export", Presets.SeRanetFast, "--format", "onnx", "-o", path];

        Assert.Equal(ExitCodes.Success, Run(args));
        Assert.Equal("N 1 H2 W2", OnnxChecker.Check(path));
        Assert.False(File.Exists(path + ".partial"));
        Assert.Equal(ExitCodes.Failure, Run(args));
        Assert.Equal(ExitCodes.Success, Run([.. args, "--overwrite", "--opset", "17"]));
        Assert.Equal(ExitCodes.Usage, Run(["export", Presets.SeRanetFast, "--format", "tflite", "-o", path]));
        Assert.Equal(ExitCodes.Usage, Run(["export", Presets.SeRanetFast, "--format", "onnx", "--opset", "12", "-o", path]));
    }

    /// <summary>
    /// `export --int8` writes the graph `--precision int8` runs, as a file with its edge padding
    /// inside: it passes the checker, says int8 in its metadata, computes nearly what the float
    /// export computes on a real photo (but not exactly: it is not the float graph renamed), and a
    /// model without kept activation ranges is refused without a file.
    /// </summary>
    [Fact]
    public async Task An_int8_export_checks_and_stays_close_to_the_float_export()
    {
        using var temp = new TempFolder();
        string floatPath = temp.File("rgb.onnx"), int8Path = temp.File("rgb-int8.onnx");
        Assert.Equal(ExitCodes.Success, Run(["export", "seranet-fast-deep-rgb", "--format", "onnx", "-o", floatPath]));
        Assert.Equal(ExitCodes.Success, Run(["export", "seranet-fast-deep-rgb", "--format", "onnx", "--int8", "-o", int8Path]));
        Assert.Equal("N 3 H2 W2", OnnxChecker.Check(int8Path));
        var metadata = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(int8Path)).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.StartsWith("int8", metadata["precision"], StringComparison.Ordinal);

        using var scope = torch.NewDisposeScope();
        Tensor rgb = await Photo("butterfly");
        double decibels = Int8AgainstFloat(floatPath, int8Path, rgb);
        Assert.True(decibels is >= 48 and < 90, $"the int8 export is {decibels:F1} dB from the float export");

        string refused = temp.File("v1.onnx");
        Assert.Equal(ExitCodes.Failure, Run(["export", Presets.SeRanetV1, "--format", "onnx", "--int8", "-o", refused]));
        Assert.False(File.Exists(refused));
        Assert.Equal(ExitCodes.Usage, Run(["export", Presets.SeRanetFast, "--format", "onnx", "--int8", "--fp16", "-o", refused]));
    }

    /// <summary>
    /// A context path's tensors (its convolutions, the join, the sum it joins) are quantisation
    /// points like the rest: `seranet calibrate` measures them on a photo, and the int8 export
    /// finds a range for each and stays close to the float export.
    /// </summary>
    [Fact]
    public async Task A_model_with_a_context_path_calibrates_and_exports_to_int8()
    {
        using var temp = new TempFolder();
        string model = temp.File("context.srnv"), photos = temp.File("photos");
        using (var loaded = Load("untrained context rgb"))
        {
            ModelFile.Save(model, loaded.Network.ModuleForm, loaded.Header);
        }
        Directory.CreateDirectory(photos);
        File.Copy(Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png"), Path.Combine(photos, "butterfly.png"));
        Assert.Equal(ExitCodes.Success, Run(["calibrate", model, "--data", photos, "-o", temp.File("context.int8.json")]));
        Assert.Contains("context_join.add", File.ReadAllText(temp.File("context.int8.json")), StringComparison.Ordinal);

        string floatPath = temp.File("context.onnx"), int8Path = temp.File("context-int8.onnx");
        Assert.Equal(ExitCodes.Success, Run(["export", model, "--format", "onnx", "-o", floatPath]));
        Assert.Equal(ExitCodes.Success, Run(["export", model, "--format", "onnx", "--int8", "-o", int8Path]));
        Assert.Equal("N 3 H2 W2", OnnxChecker.Check(int8Path));

        using var scope = torch.NewDisposeScope();
        Tensor rgb = await Photo("odd crop");
        double decibels = Int8AgainstFloat(floatPath, int8Path, rgb);
        Assert.True(decibels is >= 40 and < 90, $"the int8 export is {decibels:F1} dB from the float export");
    }

    /// <summary>How far the int8 export's output is from the float export's on <paramref name="rgb"/>, as PSNR; their shapes must match.</summary>
    private static double Int8AgainstFloat(string floatPath, string int8Path, Tensor rgb)
    {
        var (floatShape, expected) = RunOnnx(floatPath, rgb);
        var (int8Shape, actual) = RunOnnx(int8Path, rgb);
        Assert.Equal(floatShape, int8Shape);
        double meanSquare = expected.Zip(actual, (x, y) => (double)(x - y) * (x - y)).Average();
        return 10 * Math.Log10(1 / meanSquare);
    }

    private static int Run(string[] args)
    {
        using var output = new StringWriter();
        return SeranetCli.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = output }).GetAwaiter().GetResult();
    }

    private static LoadedModel Load(string model)
    {
        if (!model.StartsWith("untrained ", StringComparison.Ordinal))
        {
            return RepoModels.Catalog.Load(model);
        }
        var options = model switch
        {
            "untrained seranet-fast rgb" => Presets.Get(Presets.SeRanetFast, 3),
            // The seed's shape (5x5 paths, 1x1 then 3x3 branches, three tail convolutions after
            // the splice), narrow enough to run in a second: the unfolded output path.
            "untrained v1 topology rgb" => Presets.Get(Presets.SeRanetV1, 3) with
            {
                PathWidths = [8, 8, 16], BranchWidths = [32, 16, 8], TailWidths = [8, 8, 8],
            },
            // No preset has a tail and a residual: the bicubic as a convolution after the splice.
            "untrained tail residual y" => Presets.Get(Presets.SeRanetFast, 1) with { TailWidths = [8], Residual = true },
            // A context path that reaches past the feature path (the path's input cropped), and one
            // that does not (the context's output cropped instead).
            "untrained context rgb" => Presets.Get(Presets.SeRanetFast, 3) with
            {
                PathWidths = [16, 16, 16], Fusion = false, Context = new ContextPathOptions { Width = 8, Dilations = [1, 2, 4, 2], JoinAfter = 2 },
            },
            "untrained short context y" => Presets.Get(Presets.SeRanetFast, 1) with
            {
                PathWidths = [16, 16, 16], Fusion = false, Context = new ContextPathOptions { Width = 8, Dilations = [1], JoinAfter = 3 },
            },
            _ => throw new ArgumentException(model, nameof(model)),
        };
        torch.manual_seed(11);
        var network = ArchitectureRegistry.Build(options);
        var header = new ModelHeader
        {
            Name = model,
            Architecture = network.Architecture,
            ArchitectureOptions = ArchitectureRegistry.OptionsJson(options),
            ColorMode = options.Channels == 1 ? ColorMode.Y : ColorMode.Rgb,
        };
        return new LoadedModel(header, network);
    }

    /// <summary>[1, 3, H, W] RGB in [0, 1]: the public butterfly, or an odd-sized crop of it.</summary>
    private static async Task<Tensor> Photo(string which)
    {
        string butterfly = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        using var frame = await ImageFileReader.ReadAsync(butterfly, FfmpegLocation.OnPath);
        var planes = ImagePlanes.FromFrame(frame);
        Tensor rgb = torch.tensor(planes.Data, [1, 3, planes.Height, planes.Width]);
        return which == "odd crop"
            ? rgb[.., .., TensorIndex.Slice(101, 101 + 37), TensorIndex.Slice(60, 60 + 45)].contiguous()
            : rgb;
    }

    private static (long[] Shape, float[] Values) RunOnnx(string path, Tensor input, bool float16 = false)
    {
        float[] values = input.contiguous().data<float>().ToArray();
        using var session = new InferenceSession(path);
        using var runOptions = new RunOptions();
        using var value = float16
            ? OrtValue.CreateTensorValueFromMemory(values.Select(v => (Float16)v).ToArray(), input.shape)
            : OrtValue.CreateTensorValueFromMemory(values, input.shape);
        using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [value], [OnnxExporter.OutputName]);
        var result = outputs[0];
        long[] shape = result.GetTensorTypeAndShape().Shape;
        float[] output = float16
            ? result.GetTensorDataAsSpan<Float16>().ToArray().Select(h => (float)h).ToArray()
            : result.GetTensorDataAsSpan<float>().ToArray();
        return (shape, output);
    }
}
