using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Evaluation;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Training;

[Trait("Category", "Integration")]
public class EvaluatorTests
{
    [Fact]
    public async Task Bicubic_psnr_on_a_real_photo_matches_an_independent_computation()
    {
        string photo = Path.Combine(RepoPaths.Samples, "photo.png");

        var result = await new Evaluator(FfmpegLocation.OnPath).WithConventionalBaselines().RunAsync([photo], null, null, CancellationToken.None);
        double reported = result.Scores.Single(s => s.Method == "bicubic").YPsnr;

        Assert.Equal(IndependentBicubicYPsnr(photo), reported, 2);
    }

    [Fact]
    public async Task The_default_model_beats_bicubic_on_a_public_photo_by_a_clear_margin()
    {
        string butterfly = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        using var upscaler = ImageUpscaler.Open(ModelCatalog.EmbeddedOnly.Load(null), torch.CPU, new UpscaleOptions { Scale = 2 });

        var result = await new Evaluator(FfmpegLocation.OnPath).WithConventionalBaselines().With("default", upscaler.Upscale)
            .RunAsync([butterfly], null, null, CancellationToken.None);

        double Score(string method) => result.Scores.Single(s => s.Method == method).YPsnr;
        Assert.True(Score("default") > Score("bicubic") + 1, $"{upscaler.Header.Name} {Score("default"):F2} dB, bicubic {Score("bicubic"):F2} dB");
    }

    // Whichever models ship, each must beat bicubic; a shipped seranet-v1 must also be the seed's network.
    [Fact]
    public async Task Every_shipped_model_beats_bicubic_on_a_public_image()
    {
        string butterfly = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        var evaluator = new Evaluator(FfmpegLocation.OnPath).WithConventionalBaselines();
        var upscalers = new List<ImageUpscaler>();
        try
        {
            foreach (string name in RepoModels.Catalog.Available())
            {
                var model = RepoModels.Catalog.Load(name);
                if (name == Presets.SeRanetV1)
                {
                    var shipped = ((SplitSpliceNet)model.Network).Options;
                    var seed = Presets.Get(Presets.SeRanetV1, 1);
                    Assert.Equal(seed.PathWidths, shipped.PathWidths);
                    Assert.Equal(seed.BranchWidths, shipped.BranchWidths);
                    Assert.Equal(seed.TailWidths, shipped.TailWidths);
                    Assert.Equal((seed.PathKernel, seed.Fusion, seed.Residual), (shipped.PathKernel, shipped.Fusion, shipped.Residual));
                }
                var upscaler = ImageUpscaler.Open(model, torch.CPU, new UpscaleOptions { Scale = 2 });
                upscalers.Add(upscaler);
                evaluator.With(name, upscaler.Upscale);
            }
            Assert.Contains(ModelCatalog.DefaultName, upscalers.Select(u => u.Header.Name));

            var result = await evaluator.RunAsync([butterfly], null, null, CancellationToken.None);

            double bicubic = result.Scores.Single(s => s.Method == "bicubic").YPsnr;
            Assert.All(result.Scores.Where(s => s.Method is not ("bicubic" or "lanczos")), score =>
                Assert.True(score.YPsnr > bicubic + 0.5, $"{score.Method} {score.YPsnr:F2} dB, bicubic {bicubic:F2} dB"));
        }
        finally
        {
            upscalers.ForEach(u => u.Dispose());
        }
    }

    /// <summary>
    /// The compressed-input protocol really compresses: at CRF 28 the bicubic score drops well
    /// below the clean one, every method sees the same decoded input, and the protocol says so.
    /// </summary>
    [Fact]
    public async Task The_compressed_input_protocol_runs_the_low_resolution_image_through_h264()
    {
        string photo = Path.Combine(RepoPaths.Samples, "photo.png");
        using var temp = new TempFolder();

        var clean = await new Evaluator(FfmpegLocation.OnPath).WithConventionalBaselines().RunAsync([photo], null, null, CancellationToken.None);
        var compressed = await new Evaluator(FfmpegLocation.OnPath).WithConventionalBaselines().WithInputDegradation(InputDegradation.Parse("h264:28"))
            .RunAsync([photo], temp.File("lr"), null, CancellationToken.None);

        double Bicubic(EvaluationResult r) => r.Scores.Single(s => s.Method == "bicubic").YPsnr;
        Assert.True(Bicubic(compressed) < Bicubic(clean) - 0.3, $"clean {Bicubic(clean):F2} dB, CRF 28 {Bicubic(compressed):F2} dB");
        Assert.Contains("libx264 CRF 28", compressed.Protocol, StringComparison.Ordinal);
        Assert.True(File.Exists(temp.File("lr/photo.png")));
    }

    [Theory]
    [InlineData("h264:23", "h264:23")]
    [InlineData("JPEG:10", "jpeg:10")]
    public void Degradations_parse_and_print_back(string text, string printed) =>
        Assert.Equal(printed, InputDegradation.Parse(text).ToString());

    [Theory]
    [InlineData("h264:52")]
    [InlineData("jpeg:1")]
    [InlineData("webp:50")]
    [InlineData("h264")]
    public void Bad_degradations_name_the_accepted_forms(string text) =>
        Assert.Contains("h264:CRF", Assert.Throws<FormatException>(() => InputDegradation.Parse(text)).Message, StringComparison.Ordinal);

    // Straight from the definitions, sharing no code with the product: decode with ffmpeg,
    // 2D-direct Keys (a = -0.5) resampling with the kernel widened by 2 for the downscale,
    // rounding to 8 bits, BT.601 studio Y, 2-pixel shave, PSNR.
    private static double IndependentBicubicYPsnr(string path)
    {
        using var temp = new TempFolder();
        string raw = temp.File("photo.rgb");
        Processes.Ffmpeg("-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
        int width = int.Parse(Processes.Probe(path, "width"), System.Globalization.CultureInfo.InvariantCulture) & ~1;
        int fullWidth = int.Parse(Processes.Probe(path, "width"), System.Globalization.CultureInfo.InvariantCulture);
        int height = int.Parse(Processes.Probe(path, "height"), System.Globalization.CultureInfo.InvariantCulture) & ~1;
        byte[] bytes = File.ReadAllBytes(raw);

        var hr = new double[3, height, width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    hr[c, y, x] = bytes[(y * fullWidth + x) * 3 + c] / 255.0;
                }
            }
        }
        var lr = Round8(Resize(hr, width / 2, height / 2));
        var up = Round8(Resize(lr, width, height));

        double sum = 0;
        int count = 0;
        for (int y = 2; y < height - 2; y++)
        {
            for (int x = 2; x < width - 2; x++)
            {
                double d = StudioY(hr, y, x) - StudioY(up, y, x);
                sum += d * d;
                count++;
            }
        }
        return 10 * Math.Log10(255.0 * 255.0 / (sum / count));
    }

    private static double StudioY(double[,,] image, int y, int x) =>
        16 + 65.481 * image[0, y, x] + 128.553 * image[1, y, x] + 24.966 * image[2, y, x];

    private static double[,,] Round8(double[,,] image)
    {
        var result = (double[,,])image.Clone();
        for (int c = 0; c < result.GetLength(0); c++)
        {
            for (int y = 0; y < result.GetLength(1); y++)
            {
                for (int x = 0; x < result.GetLength(2); x++)
                {
                    result[c, y, x] = Math.Clamp(Math.Round(result[c, y, x] * 255), 0, 255) / 255;
                }
            }
        }
        return result;
    }

    private static double[,,] Resize(double[,,] source, int width, int height)
    {
        int inHeight = source.GetLength(1), inWidth = source.GetLength(2);
        var result = new double[3, height, width];
        for (int y = 0; y < height; y++)
        {
            var rows = Weights(inHeight, height, y);
            for (int x = 0; x < width; x++)
            {
                var columns = Weights(inWidth, width, x);
                for (int c = 0; c < 3; c++)
                {
                    double value = 0;
                    foreach (var (row, wy) in rows)
                    {
                        foreach (var (column, wx) in columns)
                        {
                            value += wy * wx * source[c, row, column];
                        }
                    }
                    result[c, y, x] = value;
                }
            }
        }
        return result;
    }

    private static List<(int Index, double Weight)> Weights(int inSize, int outSize, int o)
    {
        double scale = (double)outSize / inSize;
        double widen = scale < 1 ? 1 / scale : 1;
        double centre = (o + 0.5) / scale - 0.5;
        var taps = new List<(int, double)>();
        for (int i = 0; i < inSize; i++)
        {
            double t = Math.Abs(centre - i) / widen;
            double w = t <= 1 ? 1.5 * t * t * t - 2.5 * t * t + 1 : t < 2 ? -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2 : 0;
            if (w != 0)
            {
                taps.Add((i, w));
            }
        }
        double sum = taps.Sum(t => t.Item2);
        return taps.Select(t => (t.Item1, t.Item2 / sum)).ToList();
    }
}
