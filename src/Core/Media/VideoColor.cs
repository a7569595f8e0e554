namespace SeRanet.Video.Core.Media;

/// <summary>
/// A video's colour description as ffprobe reports it (color_range, color_space, color_primaries,
/// color_transfer; null where the file does not say), and the YCbCr matrix and range the pipeline
/// actually converts with. Decoder and encoder use the same pair, so pixels round-trip without
/// a brightness or hue shift even when the file is untagged.
/// </summary>
public sealed record VideoColor
{
    public string? Range { get; init; }

    public string? Space { get; init; }

    public string? Primaries { get; init; }

    public string? Transfer { get; init; }

    /// <summary>ffprobe's chroma_location (left, center, topleft...); null where the file does not say.</summary>
    public string? ChromaLocation { get; init; }

    /// <summary>The swscale matrix name (bt709, bt601, bt2020, smpte240m, fcc) used for YCbCr and RGB conversions.</summary>
    public required string Matrix { get; init; }

    /// <summary>True for full-range (pc, jpeg) YCbCr.</summary>
    public required bool FullRange { get; init; }

    /// <summary>swscale's name for the range: pc or tv.</summary>
    public string SwscaleRange => FullRange ? "pc" : "tv";

    /// <summary>
    /// Fills in what the file leaves out the way players do: untagged HD is BT.709, SD is BT.601;
    /// untagged range is limited unless the pixel format is a full-range (yuvj) one.
    /// </summary>
    public static VideoColor Describe(string? range, string? space, string? primaries, string? transfer, string pixelFormat, int height,
        string? chromaLocation = null)
    {
        range = Known(range);
        space = Known(space);
        bool fullRange = range is "pc" or "jpeg" || (range is null && pixelFormat.StartsWith("yuvj", StringComparison.Ordinal));
        string matrix = space switch
        {
            "bt709" => "bt709",
            "smpte170m" or "bt470bg" => "bt601",
            "bt2020nc" or "bt2020c" => "bt2020",
            "smpte240m" => "smpte240m",
            "fcc" => "fcc",
            _ => height >= 720 ? "bt709" : "bt601",
        };
        return new VideoColor
        {
            Range = range,
            Space = space,
            Primaries = Known(primaries),
            Transfer = Known(transfer),
            ChromaLocation = Known(chromaLocation),
            Matrix = matrix,
            FullRange = fullRange,
        };
    }

    private static string? Known(string? value) =>
        string.IsNullOrEmpty(value) || value is "unknown" or "unspecified" or "reserved" ? null : value;
}
