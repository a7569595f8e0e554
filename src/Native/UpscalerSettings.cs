using System.Runtime.InteropServices;
using SeRanet.Video.Native.Interop;
using SeRanet.Video.Native.Loading;
using SeRanet.Video.Plugin;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Native;

/// <summary>seranet_options read into the engine's terms, with the header's defaults for zeros.</summary>
internal sealed record UpscalerSettings(ModelChoice Choice, int Batch)
{
    public static unsafe UpscalerSettings From(NativeOptions* options)
    {
        NativeOptions read = default;
        if (options is not null)
        {
            if (options->StructSize < sizeof(uint))
            {
                throw new ArgumentException("options.struct_size must be sizeof(seranet_options).", nameof(options));
            }
            // An older caller's smaller struct: copy what it has, the rest stays zero (default).
            uint size = Math.Min(options->StructSize, (uint)sizeof(NativeOptions));
            Buffer.MemoryCopy(options, &read, sizeof(NativeOptions), size);
            if (options->StructSize < NativeOptions.Abi3Size)
            {
                // ABI 2's struct ends in padding where Precision now lies: whatever is there is no field.
                read.Precision = 0;
                read.Tta = 0;
            }
        }
        string? model = read.Model == 0 ? null : Marshal.PtrToStringUTF8(read.Model);
        double scale = read.Scale == 0 ? 2 : read.Scale;
        DeviceChoice device = read.Device switch
        {
            0 => DeviceChoice.Auto,
            1 => DeviceChoice.Cpu,
            2 => DeviceChoice.Cuda,
            _ => throw new ArgumentException($"options.device is {read.Device}; use SERANET_DEVICE_AUTO, _CPU or _CUDA.", nameof(options)),
        };
        if (read.Tile < 0 || read.Batch < 0)
        {
            throw new ArgumentException($"options.tile ({read.Tile}) and options.batch ({read.Batch}) must not be negative.", nameof(options));
        }
        var precision = read.Precision switch
        {
            0 => InferencePrecision.Fp32,
            1 => InferencePrecision.Bf16,
            _ => throw new ArgumentException($"options.precision is {read.Precision}; use SERANET_PRECISION_FP32 or _BF16.", nameof(options)),
        };
        var upscale = new UpscaleOptions { Scale = scale, TileSize = read.Tile == 0 ? null : read.Tile, Precision = precision, SelfEnsemble = read.Tta != 0 };
        return new UpscalerSettings(new ModelChoice(BesideLibrary(model), device, upscale), Math.Max(1, read.Batch));
    }

    /// <summary>
    /// A model name found in the models/ folder beside libseranet (where build-plugins.sh puts the
    /// shipped models) becomes that file's path; ModelCatalog would look beside the host instead.
    /// </summary>
    private static string? BesideLibrary(string? model)
    {
        if (string.IsNullOrWhiteSpace(model) || ModelCatalog.LooksLikePath(model))
        {
            return model;
        }
        string file = Path.Combine(LibraryFolder.Path, "models", model + ModelFile.Extension);
        return File.Exists(file) ? file : model;
    }
}
