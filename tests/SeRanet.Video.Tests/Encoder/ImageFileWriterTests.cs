using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Encoder.Images;

namespace SeRanet.Video.Tests.Encoder;

public class ImageFileWriterTests
{
    [Fact]
    public void Png_arguments_keep_sixteen_bits()
    {
        using var frame = Frame.Rent(4, 2, PixelFormat.Rgb48);

        var arguments = ImageFileWriter.Arguments(frame, ".png", "out.png");

        Assert.Equal(
            "-nostdin -v error -f rawvideo -pix_fmt rgb48le -s 4x2 -i - -frames:v 1 -c:v png -pix_fmt rgb48be -f image2 -update 1 -y out.png",
            string.Join(' ', arguments));
    }

    [Fact]
    public void Unknown_extensions_are_refused_with_the_supported_list()
    {
        using var frame = Frame.Rent(4, 2, PixelFormat.Rgb24);

        var error = Assert.Throws<ArgumentException>(() => ImageFileWriter.Arguments(frame, ".gif", "out.gif"));
        Assert.Contains(".png", error.Message, StringComparison.Ordinal);
    }
}
