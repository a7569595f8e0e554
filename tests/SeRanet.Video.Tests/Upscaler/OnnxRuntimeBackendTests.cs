using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Inference.OnnxRuntime;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// The onnxruntime backend gives the torch backend's pictures: the shipped models on real photos,
/// through the whole image path (colour conversion, tiles, the chroma of Y models, a second pass
/// at 4x), in floats and in 8-bit frames.
/// </summary>
[Trait("Category", "Integration")]
public class OnnxRuntimeBackendTests
{
    // The two runtimes sum the same products in different orders (and ONNX Runtime fuses the
    // activations into its convolutions), so they differ by float rounding: a few 1e-7 measured.
    // 1e-5 is a twentieth of the 1/510 that would move a value across an 8-bit rounding boundary
    // on its own, and far below any real fault (a wrong weight or a tile seam is above 1e-2).
    private const float Tolerance = 1e-5f;

    public static TheoryData<string, string, double> Cases() => new()
    {
        { Presets.SeRanetFastDeep, "butterfly.png", 2 },
        { Presets.SeRanetFastDeep, "chelsea.png", 4 },
        { ModelCatalog.DefaultVideoName, "coffee.png", 2 },
        { Presets.SeRanetFast, "baboon.png", 2 },
    };

    private static async Task<ImagePlanes> Photo(string name)
    {
        using var frame = await ImageFileReader.ReadAsync(Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), name), FfmpegLocation.OnPath);
        return ImagePlanes.FromFrame(frame);
    }

    private static ImageUpscaler Open(string model, InferenceBackend backend, double scale, int? tile = null) =>
        ImageUpscaler.Open(RepoModels.Catalog.Load(model), torch.CPU, new UpscaleOptions { Scale = scale, Backend = backend, TileSize = tile });

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Both_backends_give_the_same_picture(string model, string photo, double scale)
    {
        var image = await Photo(photo);
        // Tiles of 96 for the onnxruntime side: its tiles differ from torch's whole image, so
        // this also holds ONNX Runtime's tiles equal to a whole picture.
        using var torchUpscaler = Open(model, InferenceBackend.Torch, scale);
        using var onnxUpscaler = Open(model, InferenceBackend.OnnxRuntime, scale, tile: 96);

        var expected = torchUpscaler.Upscale(image);
        var actual = onnxUpscaler.Upscale(image);

        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        float error = expected.Data.Zip(actual.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(error <= Tolerance, $"onnxruntime differs from torch by {error:E2} ({error * 255:F5}/255)");
        // Not a vacuous match: most values are inside (0, 1), not clipped to the same constant.
        Assert.True(expected.Data.Count(v => v is > 0f and < 1f) > expected.Data.Length / 2, "the output is mostly clipped");
    }

    [Fact]
    public async Task Frames_in_both_backends_differ_by_at_most_one_level_in_a_rare_value()
    {
        var image = await Photo("astronaut.png");
        using var frame = Frame.Rent(image.Width, image.Height, PixelFormat.Rgb24);
        image.WriteTo(frame);
        using var torchUpscaler = Open(ModelCatalog.DefaultVideoName, InferenceBackend.Torch, 2);
        using var onnxUpscaler = Open(ModelCatalog.DefaultVideoName, InferenceBackend.OnnxRuntime, 2);

        using var expected = torchUpscaler.UpscaleFrame(frame);
        using var actual = onnxUpscaler.UpscaleFrame(frame);

        byte[] a = expected.Data.ToArray(), b = actual.Data.ToArray();
        Assert.Equal(a.Length, b.Length);
        int worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        int differing = a.Zip(b).Count(pair => pair.First != pair.Second);
        Assert.True(worst <= 1 && differing <= a.Length / 10000, $"{differing} of {a.Length} values differ, by up to {worst}");
    }

    [Fact]
    public void Cuda_in_a_build_without_the_gpu_package_fails_clearly_and_auto_runs_on_the_cpu()
    {
        if (OnnxRuntimeProviders.BuildHasCuda)
        {
            // The SeRanetOnnxRuntime=cuda build: the next test holds its refusal to one clear error.
            return;
        }

        var error = Assert.Throws<InvalidOperationException>(() => ComputeDevice.Resolve(DeviceChoice.Cuda, InferenceBackend.OnnxRuntime, out _));
        Assert.Contains("CPU package", error.Message, StringComparison.Ordinal);
        Assert.Contains("SeRanetOnnxRuntime=cuda", error.Message, StringComparison.Ordinal);

        var device = ComputeDevice.Resolve(DeviceChoice.Auto, InferenceBackend.OnnxRuntime, out string description);
        Assert.Equal(DeviceType.CPU, device.type);
        Assert.StartsWith("cpu", description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cuda_provider_that_cannot_start_is_one_clear_error()
    {
        // Whatever this machine lacks (the GPU package, the CUDA libraries or the GPU), the network
        // does not open half-way and the reason names what CUDA needs.
        if (OnnxRuntimeProviders.CudaLoads())
        {
            // A GPU build on a machine with CUDA: nothing to refuse (the GPU check runs it instead).
            return;
        }

        var error = Assert.Throws<InvalidOperationException>(() => ImageUpscaler.Open(RepoModels.Catalog.Load(Presets.SeRanetFast), torch.CUDA,
            new UpscaleOptions { Backend = InferenceBackend.OnnxRuntime }));
        Assert.Contains("CUDA", error.Message, StringComparison.Ordinal);
    }
}
