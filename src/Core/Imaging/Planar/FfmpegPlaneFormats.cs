namespace SeRanet.Video.Core.Imaging.Planar;

/// <summary>
/// ffmpeg's names for planar layouts, and the planar layout a source's pixel format is read into
/// without losing a sample: semi-planar (nv12, p010) and packed (yuyv422) YUV become the planar
/// form with the same subsampling, full-range yuvj the plain form (the range is a tag), alpha is
/// dropped, and subsamplings the model side does not handle are widened (4:1:1 to 4:2:2, 4:1:0 to
/// 4:2:0, 4:4:0 to 4:4:4), so chroma is only ever copied or upsampled on the way in.
/// </summary>
public static class FfmpegPlaneFormats
{
    /// <summary>The depths ffmpeg has planar gray and YUV formats for (besides 8).</summary>
    private static readonly int[] DeepDepths = [9, 10, 12, 14, 16];

    /// <summary>ffmpeg's name: gray, gray10le, yuv420p, yuv444p12le...</summary>
    /// <exception cref="ArgumentException">ffmpeg has no such planar format (planar RGB, or a depth like 11 bits).</exception>
    public static string Name(PlaneFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        string depth = format.BitDepth == 8 ? "" : DeepDepths.Contains(format.BitDepth)
            ? $"{format.BitDepth}le"
            : throw new ArgumentException($"ffmpeg has no {format.BitDepth}-bit planar format.", nameof(format));
        return format.Layout switch
        {
            PlaneLayout.Gray => "gray" + depth,
            PlaneLayout.Yuv420 => "yuv420p" + depth,
            PlaneLayout.Yuv422 => "yuv422p" + depth,
            PlaneLayout.Yuv444 => "yuv444p" + depth,
            _ => throw new ArgumentException($"Raw {format.Layout} frames travel interleaved, not as planes.", nameof(format)),
        };
    }

    /// <summary>
    /// The planar gray or YUV layout and depth that holds every sample of <paramref name="pixelFormat"/>
    /// (an ffmpeg name) of <paramref name="bitDepth"/> bits; null for RGB, palette, Bayer, XYZ and
    /// other sources that are not luma plus chroma. Range, matrix and siting are the caller's to set.
    /// </summary>
    public static PlaneFormat? ForSource(string pixelFormat, int bitDepth)
    {
        ArgumentNullException.ThrowIfNull(pixelFormat);
        var layout = LayoutOf(pixelFormat);
        if (layout is null)
        {
            return null;
        }
        int depth = bitDepth <= 8 ? 8 : DeepDepths.First(d => d >= Math.Min(bitDepth, 16));
        return new PlaneFormat(layout.Value, depth);
    }

    private static PlaneLayout? LayoutOf(string name)
    {
        if (name.StartsWith("gray", StringComparison.Ordinal) || name.StartsWith("ya", StringComparison.Ordinal)
            || name is "monob" or "monow")
        {
            return name.Contains('f', StringComparison.Ordinal) ? null : PlaneLayout.Gray; // grayf32: float
        }
        string yuv = name.StartsWith("yuvj", StringComparison.Ordinal) ? "yuv" + name[4..]
            : name.StartsWith("yuva", StringComparison.Ordinal) ? "yuv" + name[4..]
            : name;
        if (yuv.StartsWith("yuv4", StringComparison.Ordinal) && yuv.Length >= 6)
        {
            return yuv[3..6] switch
            {
                "420" or "410" => PlaneLayout.Yuv420,
                "422" or "411" => PlaneLayout.Yuv422,
                "444" or "440" => PlaneLayout.Yuv444,
                _ => null,
            };
        }
        // Semi-planar and packed YUV: ffmpeg's names say the subsampling in their own ways.
        return name switch
        {
            "nv12" or "nv21" or "p010le" or "p010be" or "p012le" or "p012be" or "p016le" or "p016be" => PlaneLayout.Yuv420,
            "nv16" or "nv20le" or "nv20be" or "yuyv422" or "uyvy422" or "yvyu422" or "y210le" or "y210be" or "y212le" or "y212be"
                or "p210le" or "p210be" or "p216le" or "p216be" or "uyyvyy411" => PlaneLayout.Yuv422,
            "nv24" or "nv42" or "p410le" or "p410be" or "p416le" or "p416be" or "vuya" or "vuyx" or "ayuv64le" or "ayuv64be"
                or "xv30le" or "xv36le" or "y410le" => PlaneLayout.Yuv444,
            _ => null,
        };
    }
}
