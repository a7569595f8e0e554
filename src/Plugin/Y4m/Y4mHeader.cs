using System.Globalization;
using System.Text;
using SeRanet.Video.Core.Imaging.Planar;

namespace SeRanet.Video.Plugin.Y4m;

/// <summary>
/// The stream header of YUV4MPEG2: <c>YUV4MPEG2 W H F I A C X...</c>. Values are kept as the
/// producer wrote them (frame rate, aspect, colour space, extensions) so that what is passed on is
/// exactly what came in; only the size changes.
/// </summary>
public sealed record Y4mHeader
{
    public const string Magic = "YUV4MPEG2";

    /// <summary>The longest header GStreamer 1.22's y4mdec (Debian 12) accepts, newline included.</summary>
    public const int MaxPortableLength = 80;

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>F, e.g. 30000:1001; null when absent.</summary>
    public string? FrameRate { get; init; }

    /// <summary>I: p (progressive), t, b, m, or ? (unknown); null when absent.</summary>
    public string? Interlace { get; init; }

    /// <summary>A, the sample aspect ratio, e.g. 1:1 or 0:0 (unknown); null when absent.</summary>
    public string? Aspect { get; init; }

    /// <summary>C, e.g. 420jpeg, 420p10, mono; null when absent (which means 420jpeg).</summary>
    public string? Colorspace { get; init; }

    /// <summary>X tags without the X, in order, e.g. COLORRANGE=FULL.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>Parses a header line (without its newline).</summary>
    public static Y4mHeader Parse(string line)
    {
        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0] != Magic)
        {
            throw new InvalidDataException($"Not a YUV4MPEG2 stream: it starts with '{Shorten(line)}'.");
        }
        int? width = null, height = null;
        string? rate = null, interlace = null, aspect = null, colorspace = null;
        var extensions = new List<string>();
        foreach (string field in fields.Skip(1))
        {
            string value = field[1..];
            switch (field[0])
            {
                case 'W': width = Dimension(value, "width"); break;
                case 'H': height = Dimension(value, "height"); break;
                case 'F': rate = value; break;
                case 'I': interlace = value; break;
                case 'A': aspect = value; break;
                case 'C': colorspace = value; break;
                case 'X': extensions.Add(value); break;
                default: throw new InvalidDataException($"The YUV4MPEG2 header has an unknown field '{Shorten(field)}'.");
            }
        }
        return new Y4mHeader
        {
            Width = width ?? throw new InvalidDataException("The YUV4MPEG2 header has no width (W)."),
            Height = height ?? throw new InvalidDataException("The YUV4MPEG2 header has no height (H)."),
            FrameRate = rate,
            Interlace = interlace,
            Aspect = aspect,
            Colorspace = colorspace,
            Extensions = extensions,
        };
    }

    /// <summary>Whether frames are whole pictures: <c>Ip</c>, <c>I?</c> or no I at all.</summary>
    public bool IsProgressive => Interlace is null or "p" or "?";

    /// <summary>The value of X tag <paramref name="name"/> (e.g. COLORRANGE), or null.</summary>
    public string? Extension(string name) =>
        Extensions.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    /// <summary>
    /// How the frames are stored. Throws <see cref="InvalidDataException"/> for what the filter
    /// cannot upscale (interlaced frames, alpha, 4:1:1). The matrix is a guess (y4m carries none):
    /// BT.709 from 720 lines up, BT.601 below, as players guess; it matters only to RGB models.
    /// </summary>
    public PlaneFormat PlaneFormat()
    {
        if (!IsProgressive)
        {
            throw new InvalidDataException(
                $"The y4m stream is interlaced (I{Interlace}); upscaling fields as frames would mix them. Deinterlace it first (ffmpeg -vf bwdif, or yadif).");
        }
        string c = Colorspace ?? "420jpeg";
        var (layout, depth, siting) = c switch
        {
            "420jpeg" or "420" => (PlaneLayout.Yuv420, 8, ChromaSiting.Center),
            "420mpeg2" => (PlaneLayout.Yuv420, 8, ChromaSiting.Left),
            "420paldv" => (PlaneLayout.Yuv420, 8, ChromaSiting.TopLeft),
            "422" => (PlaneLayout.Yuv422, 8, ChromaSiting.Left),
            "444" => (PlaneLayout.Yuv444, 8, ChromaSiting.Center),
            "mono" => (PlaneLayout.Gray, 8, ChromaSiting.Center),
            _ => Deep(c),
        };
        string? range = Extension("COLORRANGE");
        return new PlaneFormat(layout, depth)
        {
            Range = string.Equals(range, "FULL", StringComparison.OrdinalIgnoreCase) ? ColorRange.Full : ColorRange.Limited,
            Matrix = Height >= 720 ? YuvMatrix.Bt709 : YuvMatrix.Bt601,
            Siting = siting,
        };
    }

    /// <summary>
    /// The header of the upscaled stream: the new size, everything else as it came, less
    /// ffmpeg's XYSCSS (a repeat of C that can push the line past what y4mdec reads) and, if the
    /// line is still too long, the other X tags but COLORRANGE, last first.
    /// </summary>
    public Y4mHeader Upscaled(int width, int height)
    {
        var kept = Extensions.Where(e => !e.StartsWith("YSCSS=", StringComparison.Ordinal)).ToList();
        var header = this with { Width = width, Height = height, Extensions = kept };
        for (int i = kept.Count - 1; i >= 0 && header.Render().Length > MaxPortableLength; i--)
        {
            if (!kept[i].StartsWith("COLORRANGE=", StringComparison.Ordinal))
            {
                kept.RemoveAt(i);
                header = header with { Extensions = [.. kept] };
            }
        }
        return header;
    }

    /// <summary>The header line, newline included.</summary>
    public string Render()
    {
        var line = new StringBuilder(Magic);
        line.Append(CultureInfo.InvariantCulture, $" W{Width} H{Height}");
        Append(line, 'F', FrameRate);
        Append(line, 'I', Interlace);
        Append(line, 'A', Aspect);
        Append(line, 'C', Colorspace);
        foreach (string extension in Extensions)
        {
            Append(line, 'X', extension);
        }
        return line.Append('\n').ToString();
    }

    private static (PlaneLayout, int, ChromaSiting) Deep(string c)
    {
        var (layout, digits) = c switch
        {
            _ when c.StartsWith("420p", StringComparison.Ordinal) => (PlaneLayout.Yuv420, c[4..]),
            _ when c.StartsWith("422p", StringComparison.Ordinal) => (PlaneLayout.Yuv422, c[4..]),
            _ when c.StartsWith("444p", StringComparison.Ordinal) => (PlaneLayout.Yuv444, c[4..]),
            _ when c.StartsWith("mono", StringComparison.Ordinal) => (PlaneLayout.Gray, c[4..]),
            _ => (PlaneLayout.Gray, ""),
        };
        if (digits.Length > 0 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int depth) && depth is >= 9 and <= 16)
        {
            return (layout, depth, layout == PlaneLayout.Yuv422 ? ChromaSiting.Left : ChromaSiting.Center);
        }
        throw new InvalidDataException(
            $"The y4m colour space C{c} is not supported; the filter takes 420jpeg, 420mpeg2, 420paldv, 422, 444 and mono, at 8 bits or as 420p9-16, 422p9-16, 444p9-16 and mono9-16.");
    }

    private static int Dimension(string value, string what) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 65535
            ? n
            : throw new InvalidDataException($"The YUV4MPEG2 header has a bad {what} '{Shorten(value)}'.");

    private static void Append(StringBuilder line, char tag, string? value)
    {
        if (value is not null)
        {
            line.Append(' ').Append(tag).Append(value);
        }
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
