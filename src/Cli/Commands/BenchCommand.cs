using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// <c>seranet bench</c>: the model alone (no file or ffmpeg work) on synthetic frames, in output
/// megapixels per second. The benchmark scripts compare whole-tool runs against this.
/// </summary>
internal static class BenchCommand
{
    private static LoadedModel Untrained(string preset, ColorMode color)
    {
        var options = Presets.Get(preset, color == ColorMode.Y ? 1 : 3);
        return new LoadedModel(ModelFile.HeaderFor(preset, options, color), ArchitectureRegistry.Build(options));
    }

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var preset = new Option<string?>("--preset")
        {
            Description = $"Time an untrained network of this shape instead of a model file (speed only): {OptionValues.Alternatives(Presets.Names)}.",
        }.OneOf(Presets.Names);
        var size = CommonOptions.Size("Input frame size WIDTHxHEIGHT.", (640, 360));
        var count = new Option<int>("--count") { Description = "Frames to time (after one warm-up).", DefaultValueFactory = _ => 10 }.Between(1, int.MaxValue);
        var color = new Option<ColorMode>("--color") { Description = "Colour mode of an untrained --preset: rgb or y.", DefaultValueFactory = _ => ColorMode.Rgb }.OneOf();
        var batch = CommonOptions.Batch(1);
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var modelRun = new ModelRunOptions(tile: true);
        var peak = new Option<bool>("--peak")
        {
            Description = "Measure this CPU's float32 multiply-add peak (a fused multiply-add loop on every core) instead of a model.",
        };
        var command = new Command("bench", "Time the model alone on synthetic frames (output megapixels per second).")
        {
            model, preset, color, size, count, batch, device,
        };
        modelRun.AddTo(command);
        command.Add(peak);
        command.Add(json);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, () =>
        {
            if (result.GetValue(peak))
            {
                return Task.FromResult(ReportPeak(result.GetValue(json)));
            }
            var (width, height) = result.GetValue(size);
            int frames = result.GetValue(count);
            int batchSize = result.GetValue(batch);
            // Frames per model pass is this command's --batch.
            var options = modelRun.Read(result) with { MaxBatch = batchSize };
            var torchDevice = ComputeDevice.Resolve(result.GetValue(device), options.Backend, out string deviceDescription);
            LoadedModel loaded = result.GetValue(preset) is { } presetName
                ? Untrained(presetName, result.GetValue(color))
                : ToolEnvironment.Models.Load(result.GetValue(model));
            using var upscaler = ImageUpscaler.Open(loaded, torchDevice, options);
            NumericsNotice.Announce(result, upscaler.Warnings);

            var random = new Random(1);
            var frame = new ImagePlanes(3, height, width);
            for (int i = 0; i < frame.Data.Length; i++)
            {
                frame.Data[i] = (float)random.NextDouble();
            }
            var batchFrames = Enumerable.Repeat(frame, batchSize).ToList();
            upscaler.Upscale(batchFrames);
            var clock = Stopwatch.StartNew();
            int done = 0;
            while (done < frames)
            {
                cancellationToken.ThrowIfCancellationRequested();
                upscaler.Upscale(batchFrames);
                done += batchSize;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            double outputMegapixels = done * 4.0 * width * height / 1e6;
            var report = new
            {
                model = upscaler.Header.Name,
                device = deviceDescription,
                backend = options.Backend.Name(),
                precision = upscaler.Precision.Name(),
                tta = upscaler.SelfEnsemble,
                // bf16 on float32 kernels: this CPU lacks bfloat16 kernels, or has wrong ones.
                bf16_on_fp32_kernels = upscaler.Numbers == ConvolutionNumbers.Bf16OnFp32Kernels,
                width,
                height,
                frames = done,
                batch = batchSize,
                seconds,
                frames_per_second = done / seconds,
                output_megapixels_per_second = outputMegapixels / seconds,
                multiply_adds_per_pixel = loaded.Network.MultiplyAddsPerPixel,
                // Per input pixel, at the nominal count (the tiles' padded context is not counted).
                multiply_adds_per_second = outputMegapixels * 1e6 / 4 / seconds * loaded.Network.MultiplyAddsPerPixel * (upscaler.SelfEnsemble ? SelfEnsemble.Transforms : 1),
            };
            System.Console.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(report, ModelJson.Options)
                : $"{report.model} on {deviceDescription} ({options.DescribeRun()}), {width}x{height}, batch {batchSize}: {done} frames in {seconds:F2} s, " +
                  $"{report.frames_per_second:F2} fps, {report.output_megapixels_per_second:F2} output megapixels per second");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return command;
    }

    private static int ReportPeak(bool asJson)
    {
        var measured = CpuPeak.MeasureFp32(TimeSpan.FromSeconds(1));
        var report = new
        {
            peak_fp32_multiply_adds_per_second = measured.MultiplyAddsPerSecond,
            vector_bits = measured.VectorBits,
            threads = measured.Threads,
        };
        System.Console.WriteLine(asJson
            ? JsonSerializer.Serialize(report, ModelJson.Options)
            : $"CPU float32 peak: {measured.MultiplyAddsPerSecond / 1e9:F1} GMAC/s ({measured.Threads} threads, {measured.VectorBits}-bit fused multiply-add)");
        return ExitCodes.Success;
    }
}
