using System.Globalization;
using System.Text.Json;
using Onnx;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Upscaler.Export;

/// <summary>
/// The model header as ONNX metadata_props, so an exported file found alone says what it is, what
/// it expects and how it was trained (Netron and onnx.load show these).
/// </summary>
public static class OnnxMetadata
{
    // One line per value: viewers show metadata in a table.
    private static readonly JsonSerializerOptions Compact = new(ModelJson.Options) { WriteIndented = false };

    public static string Summary(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return $"SeRanet {model.Header.Name}: 2x super-resolution. {Input(model)} Output: [N, C, 2H, 2W] in [0, 1].";
    }

    public static IEnumerable<StringStringEntryProto> Entries(LoadedModel model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelHeader header = model.Header;
        var entries = new List<(string Key, string Value)>
        {
            ("name", header.Name),
            ("architecture", header.Architecture),
            ("architecture_options", JsonSerializer.Serialize(header.ArchitectureOptions, Compact)),
            ("color_mode", header.ColorMode == ColorMode.Y ? "Y" : "RGB"),
            ("input", Input(model)),
            ("scale", header.Scale.ToString(CultureInfo.InvariantCulture)),
            // Already applied inside the graph; a tiler still needs it as the overlap between tiles.
            ("padding", model.Network.Padding.ToString(CultureInfo.InvariantCulture)),
            ("multiply_adds_per_pixel", model.Network.MultiplyAddsPerPixel.ToString(CultureInfo.InvariantCulture)),
            ("precision", options.Quantization is not null ? "int8 (QDQ: uint8 activations, int8 weights)" : options.Float16 ? "float16" : "float32"),
            ("weights_sha256", header.PayloadSha256),
            ("format_version", header.FormatVersion.ToString(CultureInfo.InvariantCulture)),
        };
        if (header.Training is { } training)
        {
            entries.Add(("training", JsonSerializer.Serialize(training, Compact)));
        }
        if (header.Metrics is { Count: > 0 } metrics)
        {
            entries.Add(("metrics", JsonSerializer.Serialize(metrics, Compact)));
        }
        return entries.Select(entry => new StringStringEntryProto { Key = entry.Key, Value = entry.Value });
    }

    private static string Input(LoadedModel model) => model.Header.ColorMode == ColorMode.Y
        ? "Input: [N, 1, H, W] full-range BT.601 luma (Y = 0.299 R + 0.587 G + 0.114 B) in [0, 1]; upscale chroma separately (the tool uses bicubic)."
        : "Input: [N, 3, H, W] RGB in [0, 1].";
}
