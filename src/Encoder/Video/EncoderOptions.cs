namespace SeRanet.Video.Encoder.Video;

/// <summary>How the upscaled video is encoded. Null values mean "follow the source or the codec's default".</summary>
public sealed record EncoderOptions
{
    /// <summary>ffmpeg encoder name: libx264, libx265, libsvtav1, libvpx-vp9 or ffv1.</summary>
    public string Codec { get; init; } = "libx264";

    /// <summary>Constant quality; null uses a per-codec default that suits upscaled material.</summary>
    public int? Crf { get; init; }

    public string? Preset { get; init; }

    /// <summary>Output pixel format; null keeps the source's chroma subsampling and bit depth.</summary>
    public string? PixelFormat { get; init; }

    /// <summary>Raw ffmpeg output arguments placed just before the output file.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    public static IReadOnlyList<string> KnownCodecs { get; } = ["libx264", "libx265", "libsvtav1", "libvpx-vp9", "ffv1"];

    /// <summary>The quality arguments for the codec: lossless codecs take none.</summary>
    public IReadOnlyList<string> QualityArguments()
    {
        var arguments = new List<string>();
        int? crf = Crf ?? Codec switch
        {
            "libx264" => 18,
            "libx265" => 20,
            "libsvtav1" => 30,
            "libvpx-vp9" => 24,
            _ => null,
        };
        if (crf is not null && Codec != "ffv1")
        {
            arguments.AddRange(["-crf", crf.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            if (Codec == "libvpx-vp9")
            {
                // VP9 treats -crf as a cap unless the bitrate is zero.
                arguments.AddRange(["-b:v", "0"]);
            }
        }
        if (Preset is not null)
        {
            arguments.AddRange(["-preset", Preset]);
        }
        return arguments;
    }

    /// <summary>Splits a user's "--ffmpeg-args" text on spaces, keeping double-quoted parts together.</summary>
    public static IReadOnlyList<string> SplitArguments(string? text)
    {
        var arguments = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return arguments;
        }
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        bool any = false;
        foreach (char c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        if (quoted)
        {
            throw new ArgumentException($"Unbalanced quote in ffmpeg arguments: {text}");
        }
        if (any)
        {
            arguments.Add(current.ToString());
        }
        return arguments;
    }
}
