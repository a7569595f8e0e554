using System.CommandLine;
using Microsoft.Win32.SafeHandles;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Plugin;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// <c>seranet filter</c>: the plugin entry point on a pipe. Raw RGB frames in on stdin,
/// upscaled raw frames out on stdout, for media tools that speak rawvideo:
/// <c>ffmpeg -i in.mp4 -f rawvideo -pix_fmt rgb24 - | seranet filter --size 640x360 | ffmpeg -f rawvideo -pix_fmt rgb24 -s 1280x720 -i - out.mp4</c>.
/// </summary>
internal static class FilterCommand
{
    public static Command Create()
    {
        var size = CommonOptions.Size("Input frame size WIDTHxHEIGHT.");
        var pixelFormat = new Option<string>("--pix-fmt")
        {
            Description = "Raw frame layout in and out: rgb24 or rgb48le (interleaved).",
            DefaultValueFactory = _ => "rgb24",
        }.OneOf(["rgb24", "rgb48le"]);
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var backend = CommonOptions.Backend();
        var scale = CommonOptions.Scale();
        var tile = CommonOptions.Tile();
        var tileBatch = CommonOptions.TileBatch();
        var batch = CommonOptions.Batch(1);

        var command = new Command("filter", "Upscale raw RGB frames from stdin to stdout (the plugin entry point for pipes).")
        {
            size, pixelFormat, model, device, backend, scale, tile, tileBatch, batch,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, async () =>
        {
            var (width, height) = result.GetValue(size);
            using var filter = RawFrameFilter.Open(new FilterOptions
            {
                Width = width,
                Height = height,
                Format = result.GetValue(pixelFormat) == "rgb48le" ? PixelFormat.Rgb48 : PixelFormat.Rgb24,
                Model = result.GetValue(model),
                Catalog = ToolEnvironment.Models,
                Device = result.GetValue(device),
                Backend = result.GetValue(backend),
                Scale = result.GetValue(scale),
                Batch = result.GetValue(batch),
                TileSize = result.GetValue(tile),
                TilesPerPass = result.GetValue(tileBatch),
            });
            System.Console.Error.WriteLine($"seranet filter: {width}x{height} -> {filter.OutputSize.Width}x{filter.OutputSize.Height}, model {filter.Model.Name} on {filter.DeviceDescription} ({filter.Backend.Name()})");
            NumericsNotice.Announce(result);
            await using var input = System.Console.OpenStandardInput();
            await using var output = OpenStandardOutput();
            long frames = await filter.RunAsync(input, output, cancellationToken);
            System.Console.Error.WriteLine($"seranet filter: {frames} frames");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>
    /// Standard output that reports a closed pipe: the console stream pretends such writes succeed,
    /// so the filter would otherwise upscale every frame for nobody.
    /// </summary>
    private static Stream OpenStandardOutput() => OperatingSystem.IsWindows()
        ? System.Console.OpenStandardOutput()
        : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
