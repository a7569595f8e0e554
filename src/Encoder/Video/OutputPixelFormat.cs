namespace SeRanet.Video.Encoder.Video;

/// <summary>
/// The pixel format to encode with when the user names none: the source's own chroma subsampling
/// and bit depth, as YCbCr (full range is signalled by tags, not by the deprecated yuvj formats).
/// </summary>
public static class OutputPixelFormat
{
    public static string ForSource(string sourcePixelFormat, int sourceBitDepth)
    {
        string format = sourcePixelFormat.StartsWith("yuvj", StringComparison.Ordinal) ? "yuv" + sourcePixelFormat[4..] : sourcePixelFormat;
        if (format.StartsWith("yuv", StringComparison.Ordinal) && !format.StartsWith("yuva", StringComparison.Ordinal))
        {
            return format;
        }
        string depthSuffix = sourceBitDepth > 8 ? $"{Math.Min(sourceBitDepth, 12)}le" : "";
        // RGB, grey, alpha or packed sources: full chroma for RGB, the usual 4:2:0 for the rest.
        bool rgb = format.StartsWith("gbr", StringComparison.Ordinal) || format.Contains("rgb", StringComparison.Ordinal) || format.Contains("bgr", StringComparison.Ordinal);
        return (rgb ? "yuv444p" : "yuv420p") + depthSuffix;
    }

    /// <summary>
    /// The wanted format if the encoder takes it, else the closest it takes: same depth at 4:2:0,
    /// then 8-bit 4:2:0. An empty list (unknown encoder) trusts the wanted format.
    /// </summary>
    public static string Supported(string wanted, IReadOnlyCollection<string> supported)
    {
        if (supported.Count == 0 || supported.Contains(wanted))
        {
            return wanted;
        }
        int suffix = wanted.IndexOf("p1", StringComparison.Ordinal);
        string sameDepth = suffix > 0 ? "yuv420" + wanted[suffix..] : "yuv420p";
        return supported.Contains(sameDepth) ? sameDepth : supported.Contains("yuv420p") ? "yuv420p" : supported.First();
    }
}
