using SeRanet.Video.Plugin.Video;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin;

/// <summary>A ready upscaler and the device it runs on, in words.</summary>
public sealed record LoadedUpscaler(ImageUpscaler Upscaler, string Device);

/// <summary>The one place a shell turns a <see cref="ModelChoice"/> into a running upscaler.</summary>
public static class UpscalerFactory
{
    /// <summary>Loads the model and builds its upscaler; the model is freed if the upscaler cannot be built.</summary>
    public static LoadedUpscaler Create(ModelChoice choice)
    {
        var device = ComputeDevice.Resolve(choice.Device, out string description);
        var model = ModelCatalog.Load(choice.Model);
        try
        {
            return new LoadedUpscaler(new ImageUpscaler(model, device, choice.Upscale), description);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
