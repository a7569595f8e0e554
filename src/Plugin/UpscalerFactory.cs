using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin;

/// <summary>Which network to run, where, and how: what every shell passes the engine.</summary>
/// <param name="Model">A model name or .srnv path; null for the default.</param>
public sealed record ModelChoice(string? Model, DeviceChoice Device, UpscaleOptions Upscale)
{
    /// <summary>Where names are looked up; by default only model files given by path and the embedded default model.</summary>
    public ModelCatalog Catalog { get; init; } = ModelCatalog.EmbeddedOnly;
}

/// <summary>A ready upscaler and the device it runs on, in words.</summary>
public sealed record LoadedUpscaler(ImageUpscaler Upscaler, string Device)
{
    /// <summary>
    /// For a shell that loads the model beside other start-up work: disposes the upscaler once
    /// <paramref name="loading"/> has made it. A failed load leaves nothing to dispose; its failure
    /// is reported where the load is awaited (or was never needed, when something else failed first).
    /// </summary>
    public static async Task DisposeWhenLoadedAsync(Task<LoadedUpscaler> loading)
    {
        try
        {
            (await loading.ConfigureAwait(false)).Upscaler.Dispose();
        }
        catch (Exception)
        {
            // Reported by whoever awaited the load.
        }
    }
}

/// <summary>The one place a shell turns a <see cref="ModelChoice"/> into a running upscaler.</summary>
public static class UpscalerFactory
{
    /// <summary>Resolves the device, loads the model from the choice's catalog and builds its upscaler (see <see cref="ImageUpscaler.Open(ModelCatalog, string?, TorchSharp.torch.Device, UpscaleOptions)"/>).</summary>
    public static LoadedUpscaler Create(ModelChoice choice)
    {
        var device = ComputeDevice.Resolve(choice.Device, choice.Upscale.Backend, out string description);
        return new LoadedUpscaler(ImageUpscaler.Open(choice.Catalog, choice.Model, device, choice.Upscale), description);
    }

    /// <summary>
    /// The same with the choice's model already read (<see cref="ModelCatalog.Read"/>), for a shell
    /// that reads it while libtorch loads.
    /// </summary>
    public static LoadedUpscaler Create(ModelChoice choice, StoredModel model)
    {
        choice.Upscale.Validate();
        var device = ComputeDevice.Resolve(choice.Device, choice.Upscale.Backend, out string description);
        return new LoadedUpscaler(ImageUpscaler.Open(model.Build(), device, choice.Upscale), description);
    }
}
