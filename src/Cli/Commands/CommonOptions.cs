using System.CommandLine;
using SeRanet.Video.Upscaler.Weights;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// Options shared by the commands that run a model. A name means the same thing in every command:
/// <c>--batch</c> is frames per model pass, <c>--tile-batch</c> tiles per forward pass, <c>--tile</c>
/// the tile side, <c>--preset</c> a network shape, <c>-o/--output</c> what the command writes.
/// </summary>
internal static class CommonOptions
{
    /// <summary>The most frames one model pass may take.</summary>
    public const int MaxBatch = 1024;

    public static Option<string?> Model(string defaultName = ModelCatalog.DefaultName) => new("--model", "-m")
    {
        Description = $"Model name (seranet-fast-deep-rgb, seranet-fast-deep, seranet-fast-deep-video, seranet-fast, seranet-v1; seranet models lists them) or path to a .srnv file. Default: {defaultName}.",
        DefaultValueFactory = _ => defaultName,
    };

    public static Option<DeviceChoice> Device() => new Option<DeviceChoice>("--device")
    {
        Description = "Where to run the network: auto picks CUDA when present, else the CPU.",
        DefaultValueFactory = _ => DeviceChoice.Auto,
    }.OneOf();

    public static Option<InferenceBackend> Backend() => new Option<InferenceBackend>("--backend")
    {
        Description = "What runs the network: torch (libtorch) or onnxruntime (ONNX Runtime, on the same network exported in memory).",
        DefaultValueFactory = _ => InferenceBackend.Torch,
    }.OneOf();

    public static Option<InferencePrecision> Precision() => new Option<InferencePrecision>("--precision")
    {
        Description = "Number format inside the network: fp32 (default, the same result on every CPU), bf16 (torch backend, CPU; the same result on every CPU to "
            + "within one 8-bit level, faster where it has AVX512-BF16 or AMX-BF16, slower than fp32 elsewhere) or int8 (onnxruntime backend, CPUs with VNNI only, models that keep int8 activation ranges); refused elsewhere.",
        DefaultValueFactory = _ => InferencePrecision.Fp32,
    }.OneOf();

    /// <summary>Test-time augmentation (<see cref="UpscaleOptions.SelfEnsemble"/>), named as waifu2x's and Video2X's users know it.</summary>
    public static Option<bool> Tta() => new("--tta")
    {
        Description = "Test-time augmentation: average the network over the 8 flips and quarter turns of each tile, "
            + "like waifu2x's -x. A little sharper and more accurate, about 8 times slower.",
    };

    public static Option<double> Scale() => new Option<double>("--scale", "-s")
    {
        Description = "Upscaling factor, above 1 and at most 16: 2 and 4 are network passes; other factors take 2x passes, then a bicubic downscale.",
        DefaultValueFactory = _ => UpscaleOptions.DefaultScale,
    }.Number("a factor above 1 and at most 16, such as 2 or 4", value => value > 1 && value <= 16);

    public static Option<int?> Tile() => new Option<int?>("--tile")
    {
        Description = "Tile side in input pixels, at least 8 (default: chosen from a 1 GiB activation budget).",
    }.Between(8, 65535);

    public static Option<int?> TileBatch() => new Option<int?>("--tile-batch")
    {
        Description = "Tiles per forward pass (default: as many as fit the memory budget).",
    }.Between(1, 65535);

    /// <summary>The activation budget (<see cref="UpscaleOptions.MemoryBudgetBytes"/>) as a size with a unit.</summary>
    public static Option<long?> Memory() => new Option<long?>("--memory")
    {
        Description = "Memory the network's working tensors may use, such as 800M or 1.5G (default 1G): it sizes the tiles, tiles per pass and "
            + "frames per pass; the runtime, model and frame buffers come on top.",
        HelpName = "SIZE",
    }.Accepting($"a size such as 800M, 1.5G or 2G, at least {UpscaleOptions.MinMemoryBudgetBytes >> 20}M",
        text => OptionValues.ByteSize(text) is (true, long bytes) && bytes >= UpscaleOptions.MinMemoryBudgetBytes ? (true, bytes) : (false, null));

    /// <summary>Frames (or images) per model pass.</summary>
    public static Option<int> Batch(int defaultFrames) => new Option<int>("--batch")
    {
        Description = "Frames per model pass.",
        DefaultValueFactory = _ => defaultFrames,
    }.Between(1, MaxBatch);

    /// <summary>WIDTHxHEIGHT of the input frames.</summary>
    public static Option<(int Width, int Height)> Size(string description, (int Width, int Height)? defaultSize = null)
    {
        var option = new Option<(int Width, int Height)>("--size") { Description = description };
        if (defaultSize is { } size)
        {
            option.DefaultValueFactory = _ => size;
        }
        else
        {
            option.Required = true;
        }
        return option.Accepting("WIDTHxHEIGHT with both from 1 to 65535, such as 640x360", OptionValues.Size);
    }

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one machine-readable JSON result on stdout instead of progress and text.",
    };

    public static Option<bool> Overwrite() => new("--overwrite", "-y")
    {
        Description = "Replace an existing output file.",
    };
}
