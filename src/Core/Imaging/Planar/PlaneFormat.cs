namespace SeRanet.Video.Core.Imaging.Planar;

/// <summary>Which planes a picture has and how its chroma is subsampled.</summary>
public enum PlaneLayout
{
    /// <summary>Luma only (y4m <c>mono</c>, GRAY8/GRAY16).</summary>
    Gray,

    /// <summary>Y, Cb, Cr with chroma at half width and half height.</summary>
    Yuv420,

    /// <summary>Y, Cb, Cr with chroma at half width.</summary>
    Yuv422,

    /// <summary>Y, Cb, Cr at full size.</summary>
    Yuv444,

    /// <summary>R, G, B planes (in that order) at full size.</summary>
    Rgb,
}

/// <summary>Whether codes span the whole range (0..2^bits-1) or the video range (16..235 at 8 bits, scaled up for more).</summary>
public enum ColorRange
{
    Limited,
    Full,
}

/// <summary>The YCbCr matrix, needed only where pixels are converted to or from RGB.</summary>
public enum YuvMatrix
{
    Bt601,
    Bt709,
    Bt2020,
}

/// <summary>
/// Where subsampled chroma samples sit relative to luma, as YUV4MPEG2 names them: <c>420jpeg</c>
/// (centred both ways), <c>420mpeg2</c> (on the left luma column, centred vertically) and
/// <c>420paldv</c> (on the top-left luma sample). Only horizontal siting applies to 4:2:2.
/// </summary>
public enum ChromaSiting
{
    Center,
    Left,
    TopLeft,
}

/// <summary>
/// How a planar picture is stored: layout, bits per sample (8 in one byte; 9 to 16 in two
/// little-endian bytes, as y4m, GStreamer and VapourSynth store them), range, matrix and siting.
/// </summary>
public sealed record PlaneFormat
{
    public PlaneFormat(PlaneLayout layout, int bitDepth = 8)
    {
        if (!Enum.IsDefined(layout))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown plane layout.");
        }
        if (bitDepth is < 8 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(bitDepth), bitDepth, "Samples must have 8 to 16 bits.");
        }
        Layout = layout;
        BitDepth = bitDepth;
    }

    public PlaneLayout Layout { get; }

    public int BitDepth { get; }

    public ColorRange Range { get; init; } = ColorRange.Limited;

    /// <summary>Used only where pixels go to or from RGB (an RGB model on YUV input).</summary>
    public YuvMatrix Matrix { get; init; } = YuvMatrix.Bt709;

    public ChromaSiting Siting { get; init; } = ChromaSiting.Center;

    public int PlaneCount => Layout == PlaneLayout.Gray ? 1 : 3;

    public int BytesPerSample => BitDepth > 8 ? 2 : 1;

    /// <summary>The largest code: 255 at 8 bits, 1023 at 10.</summary>
    public int MaxCode => (1 << BitDepth) - 1;

    public bool IsYuv => Layout is PlaneLayout.Yuv420 or PlaneLayout.Yuv422 or PlaneLayout.Yuv444;

    /// <summary>Chroma subsampling factor across (1 or 2).</summary>
    public int ChromaFactorX => Layout is PlaneLayout.Yuv420 or PlaneLayout.Yuv422 ? 2 : 1;

    /// <summary>Chroma subsampling factor down (1 or 2).</summary>
    public int ChromaFactorY => Layout == PlaneLayout.Yuv420 ? 2 : 1;

    /// <summary>Size of plane <paramref name="plane"/> for a picture of <paramref name="width"/> x <paramref name="height"/> (odd sizes round chroma up).</summary>
    public (int Width, int Height) PlaneSize(int plane, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plane);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(plane, PlaneCount);
        return plane == 0 || !IsYuv
            ? (width, height)
            : ((width + ChromaFactorX - 1) / ChromaFactorX, (height + ChromaFactorY - 1) / ChromaFactorY);
    }

    /// <summary>Bytes of one row of plane <paramref name="plane"/> without padding.</summary>
    public int RowBytes(int plane, int width, int height) => PlaneSize(plane, width, height).Width * BytesPerSample;

    /// <summary>Bytes of all planes stored back to back without padding (one y4m frame).</summary>
    public int FrameBytes(int width, int height)
    {
        long total = 0;
        for (int plane = 0; plane < PlaneCount; plane++)
        {
            var (w, h) = PlaneSize(plane, width, height);
            total += (long)w * h * BytesPerSample;
        }
        return checked((int)total);
    }

    public override string ToString() =>
        $"{Layout} {BitDepth}-bit {Range}" + (IsYuv ? $" {Matrix}" : "") + (ChromaFactorX > 1 ? $" chroma {Siting}" : "");
}
