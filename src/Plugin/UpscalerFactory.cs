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
    /// <summary>Checks the options, resolves the device, then loads the model from the choice's catalog and builds its upscaler.</summary>
    public static LoadedUpscaler Create(ModelChoice choice) => Create(choice, () => choice.Catalog.Load(choice.Model));

    /// <summary>
    /// The same with the choice's model already read (<see cref="ModelCatalog.Read"/>), for a shell
    /// that reads it while libtorch loads.
    /// </summary>
    public static LoadedUpscaler Create(ModelChoice choice, StoredModel model) => Create(choice, model.Build);

    private static LoadedUpscaler Create(ModelChoice choice, Func<LoadedModel> load)
    {
        // Bad options and a missing device fail before any weights are read or built.
        choice.Upscale.Validate();
        var device = ComputeDevice.Resolve(choice.Device, choice.Upscale.Backend, out string description);
        return new LoadedUpscaler(ImageUpscaler.Open(load(), device, choice.Upscale), description);
    }
}
