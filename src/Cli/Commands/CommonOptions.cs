using System.CommandLine;
using System.Globalization;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Cli.Commands;

/// <summary>Options shared by the commands that run a model.</summary>
internal static class CommonOptions
{
    public static Option<string?> Model() => new("--model", "-m")
    {
        Description = "Model name (seranet-fast-deep, seranet-fast, seranet-v1, ...) or path to a .srnv file. Default: seranet-fast-deep.",
    };

    public static Option<DeviceChoice> Device() => new("--device")
    {
        Description = "Where to run the network: auto picks CUDA when present, else the CPU.",
        DefaultValueFactory = _ => DeviceChoice.Auto,
    };

    public static Option<double> Scale() => WithValidator(new Option<double>("--scale", "-s")
    {
        Description = "Upscaling factor: 2 and 4 are network passes; other factors take 2x passes, then a bicubic downscale.",
        DefaultValueFactory = _ => 2,
    }, value => value > 1 && value <= 16, "--scale must be above 1 and at most 16.");

    public static Option<int?> Tile() => WithValidator(new Option<int?>("--tile")
    {
        Description = "Tile size in input pixels (default: chosen from a 1 GiB activation budget).",
    }, value => value is null or >= 8, "--tile must be at least 8.");

    public static Option<int?> Batch() => WithValidator(new Option<int?>("--batch")
    {
        Description = "Tiles or frames per forward pass (default: as many as fit the memory budget).",
    }, value => value is null or >= 1, "--batch must be at least 1.");

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print one machine-readable JSON result instead of progress and text.",
    };

    public static Option<bool> Overwrite() => new("--overwrite", "-y")
    {
        Description = "Replace an existing output file.",
    };

    /// <summary>Parses WIDTHxHEIGHT, e.g. 640x360, naming the option in the error.</summary>
    public static (int Width, int Height) ParseSize(string text, string option)
    {
        string[] parts = text.Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            && width > 0 && height > 0)
        {
            return (width, height);
        }
        throw new ArgumentException($"{option} wants WIDTHxHEIGHT, e.g. 640x360, not '{text}'.");
    }

    private static Option<T> WithValidator<T>(Option<T> option, Func<T, bool> isValid, string message)
    {
        option.Validators.Add(result =>
        {
            if (!isValid(result.GetValueOrDefault<T>()))
            {
                result.AddError(message);
            }
        });
        return option;
    }
}
