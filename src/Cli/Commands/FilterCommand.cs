using System.CommandLine;
using Microsoft.Win32.SafeHandles;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Planar;
using SeRanet.Video.Plugin.Y4m;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// <c>seranet filter</c>: the engine on a pipe. A YUV4MPEG2 stream on stdin (found by its magic)
/// comes out upscaled as YUV4MPEG2, for ffmpeg, x264, x265, SvtAv1EncApp, mpv and GStreamer:
/// <c>ffmpeg -i in.mp4 -f yuv4mpegpipe - | seranet filter | x264 --demuxer y4m -o out.264 -</c>.
/// Anything else is raw interleaved RGB of <c>--size</c>, upscaled to raw RGB.
/// </summary>
internal static class FilterCommand
{
    public static Command Create()
    {
        var size = CommonOptions.Size("Raw RGB input only: frame size WIDTHxHEIGHT (a y4m stream carries its own).");
        // Required for raw RGB only, which is known once stdin's first bytes are.
        size.Required = false;
        var pixelFormat = new Option<string>("--pix-fmt")
        {
            Description = "Raw RGB input only: frame layout in and out, rgb24 or rgb48le (interleaved).",
            DefaultValueFactory = _ => "rgb24",
        }.OneOf(["rgb24", "rgb48le"]);
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var modelRun = new ModelRunOptions(scale: true, tile: true, tileBatch: true);
        var batch = CommonOptions.Batch(1);

        var command = new Command("filter", "Upscale a YUV4MPEG2 stream, or raw RGB frames of --size, from stdin to stdout (the entry point for pipes).")
        {
            size, pixelFormat, model, device,
        };
        modelRun.AddTo(command);
        command.Add(batch);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            var choice = new ModelChoice(result.GetValue(model), result.GetValue(device), modelRun.Read(result)) { Catalog = ToolEnvironment.Models };
            int frames = result.GetValue(batch);
            var (isY4m, input) = await Y4mDetection.DetectAsync(System.Console.OpenStandardInput(), cancellationToken);
            await using (input)
            {
                bool sizeGiven = result.GetResult(size) is not null;
                if (isY4m && (sizeGiven || result.GetResult(pixelFormat) is { Implicit: false }))
                {
                    System.Console.Error.WriteLine("error: stdin is a YUV4MPEG2 stream, which carries its own size and format; drop --size and --pix-fmt.");
                    return ExitCodes.Usage;
                }
                if (!isY4m && !sizeGiven)
                {
                    System.Console.Error.WriteLine("error: stdin is not a YUV4MPEG2 stream; for raw RGB frames give --size WIDTHxHEIGHT (and --pix-fmt).");
                    return ExitCodes.Usage;
                }
                await using var output = OpenStandardOutput();
                return isY4m
                    ? await FilterY4mAsync(result, choice, frames, input, output, cancellationToken)
                    : await FilterRawAsync(result, choice, frames, result.GetValue(size), result.GetValue(pixelFormat) == "rgb48le" ? PixelFormat.Rgb48 : PixelFormat.Rgb24, input, output, cancellationToken);
            }
        }, cancellationToken));
        return command;
    }

    private static async Task<int> FilterY4mAsync(ParseResult result, ModelChoice choice, int batch, Stream input, Stream output, CancellationToken cancellationToken)
    {
        using var upscaler = PlanarUpscaler.Open(choice, batch);
        var filter = new Y4mFilter(upscaler);
        var run = await filter.RunAsync(input, output, (header, upscaled, format) =>
        {
            string colour = upscaler.LumaOnly
                ? "luma through the network, chroma resampled"
                : $"an RGB model, converting with {format.Matrix} (assumed: y4m names no matrix)";
            System.Console.Error.WriteLine(
                $"seranet filter: y4m {header.Width}x{header.Height} {format} -> {upscaled.Width}x{upscaled.Height}, model {upscaler.Model.Name} on {upscaler.DeviceDescription} ({choice.Upscale.DescribeRun()}), {colour}");
            NumericsNotice.Announce(result, upscaler.Warnings);
        }, cancellationToken);
        System.Console.Error.WriteLine($"seranet filter: {run.Frames} frames" + (run.OutputClosed ? " (the reader closed the pipe)" : ""));
        return ExitCodes.Success;
    }

    private static async Task<int> FilterRawAsync(ParseResult result, ModelChoice choice, int batch, (int Width, int Height) size, PixelFormat format, Stream input, Stream output, CancellationToken cancellationToken)
    {
        using var filter = RawFrameFilter.Open(new FilterOptions
        {
            Width = size.Width,
            Height = size.Height,
            Format = format,
            Batch = batch,
            ModelChoice = choice,
        });
        System.Console.Error.WriteLine($"seranet filter: {size.Width}x{size.Height} -> {filter.OutputSize.Width}x{filter.OutputSize.Height}, model {filter.Model.Name} on {filter.DeviceDescription} ({choice.Upscale.DescribeRun()})");
        NumericsNotice.Announce(result, filter.Warnings);
        long frames = await filter.RunAsync(input, output, cancellationToken);
        System.Console.Error.WriteLine($"seranet filter: {frames} frames");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Standard output that reports a closed pipe: the console stream pretends such writes succeed,
    /// so the filter would otherwise upscale every frame for nobody.
    /// </summary>
    private static Stream OpenStandardOutput() => OperatingSystem.IsWindows()
        ? System.Console.OpenStandardOutput()
        : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
