using SeRanet.Video.Core.Options;

namespace SeRanet.Video.Encoder.Video;

/// <summary>How the upscaled video is encoded. Null values mean "follow the source or the codec's default".</summary>
public sealed record EncoderOptions
{
    /// <summary>ffmpeg encoder name: libx264, libx265, libsvtav1, libvpx-vp9 or ffv1.</summary>
    public string Codec { get; init; } = DefaultCodec;

    public const string DefaultCodec = "libx264";

    /// <summary>Constant quality; null uses a per-codec default that suits upscaled material.</summary>
    public int? Crf { get; init; }

    public string? Preset { get; init; }

    /// <summary>Output pixel format; null keeps the source's chroma subsampling and bit depth.</summary>
    public string? PixelFormat { get; init; }

    /// <summary>
    /// Leave out streams the output container cannot hold (extra video streams, bitmap subtitles,
    /// data); by default the job refuses to start instead of losing them.
    /// </summary>
    public bool DropUnsupportedStreams { get; init; }

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

    /// <summary>The speed presets of libx264 and libx265.</summary>
    public static IReadOnlyList<string> X26xPresets { get; } = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"];

    /// <summary>The CRF values a codec takes; null for a lossless codec, which takes none.</summary>
    private static string CrfOption => InvalidOptionException.NameOf<EncoderOptions>(nameof(Crf));

    public static (int Min, int Max)? CrfRange(string codec) => codec switch
    {
        "libx264" or "libx265" => (0, 51),
        "libsvtav1" or "libvpx-vp9" => (0, 63),
        _ => null,
    };

    /// <summary>
    /// Why a CRF or preset does not fit the codec, naming the option (<see cref="Crf"/> or
    /// <see cref="Preset"/>) and what it takes; null when they fit. Codecs outside <see cref="KnownCodecs"/>, and the presets of codecs other than x264,
    /// x265 and SVT-AV1, are left to ffmpeg.
    /// </summary>
    public static InvalidOptionException? CheckQuality(string codec, int? crf, string? preset)
    {
        if (!KnownCodecs.Contains(codec))
        {
            return null;
        }
        if (crf is { } value)
        {
            if (CrfRange(codec) is not var (min, max))
            {
                return new InvalidOptionException(CrfOption, $"does not apply to {codec}, which is lossless");
            }
            if (value < min || value > max)
            {
                return new InvalidOptionException(CrfOption, $"for {codec} takes {min} to {max}, not {value}");
            }
        }
        if (preset is not null)
        {
            bool fits = codec switch
            {
                "libx264" or "libx265" => X26xPresets.Contains(preset),
                "libsvtav1" => int.TryParse(preset, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int speed) && speed is >= -2 and <= 13,
                _ => true,
            };
            if (!fits)
            {
                return new InvalidOptionException(InvalidOptionException.NameOf<EncoderOptions>(nameof(Preset)), codec == "libsvtav1"
                    ? $"for libsvtav1 takes -2 to 13, not '{preset}'"
                    : $"for {codec} takes {string.Join(", ", X26xPresets)}, not '{preset}'");
            }
        }
        return null;
    }
}
