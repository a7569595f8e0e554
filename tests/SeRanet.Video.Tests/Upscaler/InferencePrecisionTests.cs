using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Evaluation;
using SeRanet.Video.Training.Metrics;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// <c>--precision</c>: bf16 keeps the picture (the evaluation protocol's PSNR on a real photo,
/// within the 0.05 dB the precision was allowed to lose) where the CPU has bf16 instructions, is
/// refused where it has not, and only combines with the torch backend.
/// </summary>
public class InferencePrecisionTests
{
    // The public set lost 0.001 dB on average (README, "Precision"); one photo may lose more than
    // the mean, and 0.05 dB is what a shipped precision may cost at most.
    private const double AllowedLossDb = 0.05;

    private static ImageUpscaler Open(InferencePrecision precision, int? tile = null) =>
        ImageUpscaler.Open(RepoModels.Catalog.Load(Presets.SeRanetFastDeep), torch.CPU,
            new UpscaleOptions { Precision = precision, TileSize = tile });

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Bf16_loses_at_most_five_hundredths_of_a_db_on_a_real_photo()
    {
        if (!CpuFeatures.HasBf16)
        {
            // The next test holds the refusal on this CPU.
            return;
        }
        // Some CPUs with bf16 instructions compute bfloat16 convolutions wrongly (an AMD EPYC with
        // AVX512-BF16: 4.5 dB lost on this photo). Where the self-check finds that, bf16 must be
        // refused, not run.
        using (var model = RepoModels.Catalog.Load(Presets.SeRanetFastDeep))
        {
            var shapes = ConvolutionShape.InBfloat16(model.Network.ConvolutionShapes(NetworkForm.Inference));
            if (!ConvolutionSelfCheck.Run(shapes, backward: false, precision: torch.ScalarType.BFloat16).Passed)
            {
                var refusal = Assert.Throws<InvalidOperationException>(() => Open(InferencePrecision.Bf16));
                Assert.Contains("bf16 convolutions are wrong", refusal.Message, StringComparison.Ordinal);
                return;
            }
        }
        var (high, low) = await Evaluator.PrepareAsync(Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png"), FfmpegLocation.OnPath, CancellationToken.None);
        using var fp32 = Open(InferencePrecision.Fp32);
        using var bf16 = Open(InferencePrecision.Bf16, tile: 96);

        var reference = fp32.Upscale(low);
        var reduced = bf16.Upscale(low);

        double fp32Db = Psnr.Luma(high, reference.Quantized8(), Evaluator.Shave);
        double bf16Db = Psnr.Luma(high, reduced.Quantized8(), Evaluator.Shave);
        Assert.True(fp32Db - bf16Db <= AllowedLossDb, $"bf16 {bf16Db:F3} dB against fp32 {fp32Db:F3} dB");
        // Not fp32 under another name: bfloat16 rounding shows in the floats.
        Assert.True(reference.Data.Zip(reduced.Data).Any(pair => pair.First != pair.Second), "bf16 gave fp32's exact floats");
        // Nor a stand-in picture: the model's gain over bicubic stays.
        var bicubic = Resampler.Resize(low, high.Width, high.Height, ResizeKernel.Bicubic).Quantized8();
        Assert.True(bf16Db > Psnr.Luma(high, bicubic, Evaluator.Shave) + 1, "bf16 is not clearly better than bicubic");
    }

    [Fact]
    public void Bf16_on_this_cpu_without_bf16_instructions_is_refused_when_the_upscaler_opens()
    {
        if (CpuFeatures.HasBf16)
        {
            // Runs on AVX2-only machines; the previous test holds the rule everywhere.
            return;
        }
        var error = Assert.Throws<InvalidOperationException>(() => Open(InferencePrecision.Bf16));
        Assert.Contains("AVX512-BF16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bf16_is_for_the_torch_backend_only()
    {
        var options = new UpscaleOptions { Precision = InferencePrecision.Bf16, Backend = InferenceBackend.OnnxRuntime };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("torch backend", error.Message, StringComparison.Ordinal);
        new UpscaleOptions { Precision = InferencePrecision.Bf16 }.Validate();
        Assert.Throws<ArgumentException>(new UpscaleOptions { Precision = (InferencePrecision)7 }.Validate);
    }

    [Fact]
    public void Bf16_is_refused_without_bf16_instructions_or_off_the_cpu_and_fp32_runs_anywhere()
    {
        Assert.Contains("AVX512-BF16", InferencePrecisions.Refusal(InferencePrecision.Bf16, DeviceType.CPU, cpuHasBf16: false, cpuHasVnni: true), StringComparison.Ordinal);
        Assert.Contains("CPU only", InferencePrecisions.Refusal(InferencePrecision.Bf16, DeviceType.CUDA, cpuHasBf16: true, cpuHasVnni: true), StringComparison.Ordinal);
        Assert.Null(InferencePrecisions.Refusal(InferencePrecision.Bf16, DeviceType.CPU, cpuHasBf16: true, cpuHasVnni: true));
        Assert.Null(InferencePrecisions.Refusal(InferencePrecision.Fp32, DeviceType.CPU, cpuHasBf16: false, cpuHasVnni: false));
        Assert.Null(InferencePrecisions.Refusal(InferencePrecision.Fp32, DeviceType.CUDA, cpuHasBf16: false, cpuHasVnni: false));
    }

    [Theory]
    [InlineData("flags\t\t: fpu vme avx512f avx512_bf16 amx_tile", true)]
    [InlineData("flags\t\t: fpu vme avx2 fma", false)]
    [InlineData("model name\t: no flags line here", false)]
    public void Cpu_flags_are_read_from_cpuinfo(string line, bool bf16)
    {
        var flags = CpuFeatures.ParseFlags(["processor\t: 0", line]);
        Assert.Equal(bf16, flags.Contains("avx512_bf16"));
    }
}
