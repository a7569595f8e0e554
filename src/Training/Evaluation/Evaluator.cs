using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Metrics;
using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Training.Evaluation;

/// <summary>
/// The evaluation protocol: each high-resolution image (cropped to even size) is shrunk 2x by
/// antialiased bicubic and stored as 8 bits (the trainer's own degradation), then upscaled back
/// by each method; outputs are rounded to 8 bits and scored against the original on BT.601
/// studio-range Y PSNR, RGB PSNR and Y SSIM, with a 2-pixel border shaved.
/// </summary>
/// <param name="ffmpeg">Reads the images Skia cannot, and runs the input degradation.</param>
public sealed class Evaluator(FfmpegLocation ffmpeg)
{
    public const int Shave = 2;
    public const string Protocol = "HR cropped to even size -> antialiased bicubic (a=-0.5) 2x downscale -> 8-bit -> 2x upscale -> 8-bit; Y (BT.601 studio range) PSNR, RGB PSNR, Y SSIM; 2 px border shaved";

    private readonly List<(string Name, Func<ImagePlanes, string, ImagePlanes> Upscale)> _methods = [];
    private InputDegradation? _degradation;

    /// <summary>
    /// The compressed-input protocol: the low-resolution input also goes through a lossy codec
    /// before every method sees it (and before the low-resolution inputs are written for other tools).
    /// </summary>
    public Evaluator WithInputDegradation(InputDegradation? degradation)
    {
        _degradation = degradation;
        return this;
    }

    /// <summary>The protocol this evaluator runs, in one line.</summary>
    public string ProtocolLine => _degradation is null ? Protocol : Protocol.Replace("-> 8-bit -> 2x upscale", $"-> 8-bit -> {_degradation.Describe()} -> 2x upscale", StringComparison.Ordinal);

    /// <summary>Adds the two conventional baselines: bicubic and Lanczos-3.</summary>
    public Evaluator WithConventionalBaselines()
    {
        _methods.Add(("bicubic", (low, _) => Resampler.Resize(low, low.Width * 2, low.Height * 2, ResizeKernel.Bicubic)));
        _methods.Add(("lanczos3", (low, _) => Resampler.Resize(low, low.Width * 2, low.Height * 2, ResizeKernel.Lanczos3)));
        return this;
    }

    /// <summary>Adds a method that upscales a low-resolution image 2x.</summary>
    public Evaluator With(string name, Func<ImagePlanes, ImagePlanes> upscale)
    {
        _methods.Add((name, (low, _) => upscale(low)));
        return this;
    }

    /// <summary>Adds another tool's outputs: FOLDER/NAME.png for each image NAME, made from the low-resolution inputs this protocol writes.</summary>
    public Evaluator WithExternal(string name, string folder)
    {
        _methods.Add((name, (_, image) =>
        {
            string path = Path.Combine(folder, image + ".png");
            using var frame = ImageFileReader.ReadAsync(path, ffmpeg).GetAwaiter().GetResult();
            return ImagePlanes.FromFrame(frame);
        }));
        return this;
    }

    /// <summary>High-resolution reference and low-resolution input for one image.</summary>
    public static async Task<(ImagePlanes High, ImagePlanes Low)> PrepareAsync(string path, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        using var frame = await ImageFileReader.ReadAsync(path, ffmpeg, cancellationToken).ConfigureAwait(false);
        return TrainingPair.From(frame);
    }

    public async Task<EvaluationResult> RunAsync(IReadOnlyList<string> images, string? lowResolutionFolder, string? outputFolder, CancellationToken cancellationToken)
    {
        var scores = new List<ImageScore>();
        foreach (string path in images)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            var (high, low) = await PrepareAsync(path, ffmpeg, cancellationToken).ConfigureAwait(false);
            if (_degradation is not null)
            {
                low = await _degradation.ApplyAsync(low, ffmpeg, cancellationToken).ConfigureAwait(false);
            }
            if (lowResolutionFolder is not null)
            {
                await WritePngAsync(low, Path.Combine(lowResolutionFolder, name + ".png"), cancellationToken).ConfigureAwait(false);
            }
            foreach (var (method, upscale) in _methods)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var output = upscale(low, name).Quantized8();
                if (output.Width != high.Width || output.Height != high.Height)
                {
                    throw new InvalidDataException($"{method} made a {output.Width}x{output.Height} image from {name}; expected {high.Width}x{high.Height}.");
                }
                scores.Add(new ImageScore(name, method, Psnr.Luma(high, output, Shave), Psnr.Rgb(high, output, Shave), Ssim.Luma(high, output, Shave)));
                if (outputFolder is not null)
                {
                    await WritePngAsync(output, Path.Combine(outputFolder, method, name + ".png"), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        var means = _methods.Select(m => m.Name).Select(method =>
        {
            var rows = scores.Where(s => s.Method == method).ToList();
            return new MethodSummary(method, rows.Average(r => r.YPsnr), rows.Average(r => r.RgbPsnr), rows.Average(r => r.Ssim));
        }).ToList();
        return new EvaluationResult(ProtocolLine, images.Select(Path.GetFileNameWithoutExtension).ToList()!, scores, means);
    }

    private async Task WritePngAsync(ImagePlanes image, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var frame = image.ToFrame(PixelFormat.Rgb24);
        await Encoder.Images.ImageFileWriter.WriteAsync(frame, path, overwrite: true, ffmpeg, cancellationToken).ConfigureAwait(false);
    }
}
