using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Encoder.Images;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Decoder;

/// <summary>
/// The in-process (Skia) image path must give the pixels the ffmpeg path gives, since either may
/// serve a file depending on its format.
/// </summary>
[Trait("Category", "Integration")]
public class InProcessImageCodecTests
{
    private static string Photo => Path.Combine(RepoPaths.Samples, "photo.png");

    private static async Task AssertSamePixelsAsFfmpeg(string path)
    {
        using var skia = SkiaImageReader.TryRead(path);
        using var ffmpeg = await ImageFileReader.ReadWithFfmpegAsync(path, FfmpegLocation.OnPath);

        Assert.NotNull(skia);
        Assert.Equal((ffmpeg.Width, ffmpeg.Height, ffmpeg.Format), (skia.Width, skia.Height, skia.Format));
        Assert.True(skia.Data.SequenceEqual(ffmpeg.Data));
    }

    [Fact]
    public Task Png_decodes_to_the_same_pixels_as_ffmpeg() => AssertSamePixelsAsFfmpeg(Photo);

    [Fact]
    public async Task Png_with_alpha_keeps_the_unpremultiplied_colour_like_ffmpeg()
    {
        using var temp = new TempFolder();
        string path = temp.File("alpha.png");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1",
            "-vf", "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='4*X'", path);

        await AssertSamePixelsAsFfmpeg(path);
    }

    [Theory]
    [InlineData("gray")]
    [InlineData("ya8")]
    [InlineData("pal8")]
    public async Task Grey_and_palette_png_decode_to_the_same_pixels_as_ffmpeg(string pixelFormat)
    {
        using var temp = new TempFolder();
        string path = temp.File($"{pixelFormat}.png");
        Processes.Ffmpeg("-i", Photo, "-vf", "scale=96:-2", "-pix_fmt", pixelFormat, path);

        await AssertSamePixelsAsFfmpeg(path);
    }

    [Fact]
    public async Task Jpeg_decodes_within_a_level_or_two_of_ffmpeg()
    {
        using var temp = new TempFolder();
        string path = temp.File("photo.jpg");
        Processes.Ffmpeg("-i", Photo, "-q:v", "3", path);

        using var skia = SkiaImageReader.TryRead(path);
        using var ffmpeg = await ImageFileReader.ReadWithFfmpegAsync(path, FfmpegLocation.OnPath);

        Assert.NotNull(skia);
        Assert.Equal((ffmpeg.Width, ffmpeg.Height), (skia.Width, skia.Height));
        double meanDifference = 0;
        for (int i = 0; i < skia.ByteCount; i++)
        {
            meanDifference += Math.Abs(skia.Data[i] - ffmpeg.Data[i]);
        }
        meanDifference /= skia.ByteCount;
        // Two JPEG decoders (libjpeg-turbo, ffmpeg's) differ in IDCT and chroma upsampling, not in content.
        Assert.InRange(meanDifference, 0, 2.0);
    }

    [Fact]
    public async Task Sixteen_bit_png_is_left_to_ffmpeg_and_keeps_its_depth()
    {
        using var temp = new TempFolder();
        string path = temp.File("deep.png");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-pix_fmt", "rgb48be", path);

        Assert.Equal(ImageContainer.Other, ImageSignature.Detect(path));
        using var frame = await ImageFileReader.ReadAsync(path, FfmpegLocation.OnPath);
        Assert.Equal(PixelFormat.Rgb48, frame.Format);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ImageContainer.Jpeg)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'E', (byte)'B', (byte)'P' }, ImageContainer.WebP)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'A', (byte)'V', (byte)'E' }, ImageContainer.Other)]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, ImageContainer.Other)]
    [InlineData(new byte[0], ImageContainer.Other)]
    public void Signatures_are_recognised_by_their_first_bytes(byte[] header, ImageContainer expected) =>
        Assert.Equal(expected, ImageSignature.Detect(header));

    [Fact]
    public async Task Truncated_png_falls_back_to_ffmpeg_and_fails_with_its_message()
    {
        using var temp = new TempFolder();
        string path = temp.File("cut.png");
        byte[] bytes = await File.ReadAllBytesAsync(Photo);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 3)]);

        Assert.Null(SkiaImageReader.TryRead(path));
        var error = await Assert.ThrowsAsync<FfmpegException>(() => ImageFileReader.ReadAsync(path, FfmpegLocation.OnPath));
        Assert.Contains($"Decoding {path}", error.Message, StringComparison.Ordinal);
        // ffmpeg's own account of the damage, not only ours.
        Assert.Contains("Invalid data found when processing input", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".png")]
    [InlineData(".jpg")]
    public async Task In_process_writes_decode_back_with_ffmpeg(string extension)
    {
        using var temp = new TempFolder();
        using var source = await ImageFileReader.ReadWithFfmpegAsync(Photo, FfmpegLocation.OnPath);
        string path = temp.File("out" + extension);

        await ImageFileWriter.WriteAsync(source, path, overwrite: false, FfmpegLocation.OnPath);

        using var back = await ImageFileReader.ReadWithFfmpegAsync(path, FfmpegLocation.OnPath);
        Assert.Equal((source.Width, source.Height), (back.Width, back.Height));
        if (extension == ".png")
        {
            Assert.True(back.Data.SequenceEqual(source.Data));
        }
        Assert.Single(Directory.GetFiles(temp.Path));
    }
}
