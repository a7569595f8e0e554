using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Plugin.Y4m;

namespace SeRanet.Video.Tests.Plugin.Y4m;

public class Y4mHeaderTests
{
    [Theory]
    [InlineData(null, PlaneLayout.Yuv420, 8, ChromaSiting.Center)]
    [InlineData("420jpeg", PlaneLayout.Yuv420, 8, ChromaSiting.Center)]
    [InlineData("420mpeg2", PlaneLayout.Yuv420, 8, ChromaSiting.Left)]
    [InlineData("420paldv", PlaneLayout.Yuv420, 8, ChromaSiting.TopLeft)]
    [InlineData("422", PlaneLayout.Yuv422, 8, ChromaSiting.Left)]
    [InlineData("444", PlaneLayout.Yuv444, 8, ChromaSiting.Center)]
    [InlineData("mono", PlaneLayout.Gray, 8, ChromaSiting.Center)]
    [InlineData("mono16", PlaneLayout.Gray, 16, ChromaSiting.Center)]
    [InlineData("420p10", PlaneLayout.Yuv420, 10, ChromaSiting.Center)]
    [InlineData("422p12", PlaneLayout.Yuv422, 12, ChromaSiting.Left)]
    [InlineData("444p9", PlaneLayout.Yuv444, 9, ChromaSiting.Center)]
    public void Colour_spaces_map_to_plane_formats(string? c, PlaneLayout layout, int depth, ChromaSiting siting)
    {
        var header = Y4mHeader.Parse("YUV4MPEG2 W160 H90 F25:1 Ip A1:1" + (c is null ? "" : " C" + c));

        var format = header.PlaneFormat();

        Assert.Equal((layout, depth, siting, ColorRange.Limited), (format.Layout, format.BitDepth, format.Siting, format.Range));
    }

    [Fact]
    public void Colour_range_and_other_fields_are_read_as_written()
    {
        var header = Y4mHeader.Parse("YUV4MPEG2 W1920 H1080 F30000:1001 Ip A4:3 C420mpeg2 XYSCSS=420MPEG2 XCOLORRANGE=FULL");

        Assert.Equal((1920, 1080, "30000:1001", "p", "4:3", "420mpeg2"), (header.Width, header.Height, header.FrameRate, header.Interlace, header.Aspect, header.Colorspace));
        Assert.Equal(ColorRange.Full, header.PlaneFormat().Range);
        Assert.Equal(YuvMatrix.Bt709, header.PlaneFormat().Matrix);
    }

    [Fact]
    public void The_upscaled_header_keeps_everything_but_the_size_and_drops_xyscss()
    {
        var header = Y4mHeader.Parse("YUV4MPEG2 W160 H90 F25:1 Ip A9:16 C420paldv XYSCSS=420PALDV XCOLORRANGE=LIMITED");

        Assert.Equal("YUV4MPEG2 W320 H180 F25:1 Ip A9:16 C420paldv XCOLORRANGE=LIMITED\n", header.Upscaled(320, 180).Render());
    }

    [Fact]
    public void An_overlong_header_loses_extensions_but_colour_range_to_fit_80_bytes()
    {
        var header = Y4mHeader.Parse("YUV4MPEG2 W3840 H2160 F30000:1001 Ip A1:1 C444p16 XCOLORRANGE=LIMITED XVENDOR=a-long-vendor-tag XMORE=more");

        string line = header.Upscaled(7680, 4320).Render();

        Assert.True(line.Length <= Y4mHeader.MaxPortableLength, $"{line.Length} bytes: {line}");
        Assert.Contains("XCOLORRANGE=LIMITED", line, StringComparison.Ordinal);
        Assert.Contains("C444p16", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t")]
    [InlineData("b")]
    [InlineData("m")]
    public void Interlaced_streams_are_refused(string interlace)
    {
        var header = Y4mHeader.Parse($"YUV4MPEG2 W160 H90 F25:1 I{interlace} A1:1 C420jpeg");

        var error = Assert.Throws<InvalidDataException>(() => header.PlaneFormat());
        Assert.Contains("interlaced", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("YUV4MPEG2 W160 H90 C444alpha", "C444alpha is not supported")]
    [InlineData("YUV4MPEG2 W160 H90 C411", "C411 is not supported")]
    [InlineData("YUV4MPEG2 W160 H90 C420p17", "C420p17 is not supported")]
    [InlineData("YUV4MPEG2 H90", "no width")]
    [InlineData("YUV4MPEG2 W0 H90", "bad width")]
    [InlineData("RIFF W160 H90", "Not a YUV4MPEG2 stream")]
    public void Bad_headers_say_what_is_wrong(string line, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Y4mHeader.Parse(line).PlaneFormat());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
