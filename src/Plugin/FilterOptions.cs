using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Plugin;

/// <summary>What a host tells the filter: the frames it will send and how to upscale them.</summary>
public sealed record FilterOptions
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public PixelFormat Format { get; init; } = PixelFormat.Rgb24;

    /// <summary>Frames per model pass when streaming.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Which model runs, where and how: the default model on the best device, at 2x, unless the host says otherwise.</summary>
    public ModelChoice ModelChoice { get; init; } = new(null, DeviceChoice.Auto, new UpscaleOptions());
}
