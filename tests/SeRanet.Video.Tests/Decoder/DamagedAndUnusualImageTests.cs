using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Decoder;

/// <summary>
/// Images as users have them: phone photos that store their turn in EXIF, files cut short, and
/// small files that declare huge pictures. Each once gave a wrong picture or ran out of memory.
/// </summary>
[Trait("Category", "Integration")]
public class DamagedAndUnusualImageTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A 64x32 JPEG, red on the left half and blue on the right.</summary>
    private string RedBlueJpeg()
    {
        string path = _temp.File("red-blue.jpg");
        Processes.Ffmpeg("-f", "lavfi", "-i", "color=c=red:size=32x32", "-f", "lavfi", "-i", "color=c=blue:size=32x32",
            "-filter_complex", "[0][1]hstack", "-frames:v", "1", "-q:v", "2", path);
        return path;
    }

    /// <summary>The JPEG with an EXIF APP1 segment holding only an orientation, inserted after its start marker.</summary>
    private string WithOrientation(string jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, first IFD at 8
            1, 0, // one entry
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, (byte)(orientation >> 8), 0, 0, // Orientation, SHORT, 1 value
            0, 0, 0, 0, // no next IFD
        ];
        byte[] payload = [.. "Exif\0\0"u8.ToArray(), .. tiff];
        int length = payload.Length + 2;
        byte[] app1 = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload];
        byte[] original = File.ReadAllBytes(jpeg);
        string path = _temp.File($"oriented-{orientation}.jpg");
        File.WriteAllBytes(path, [.. original.AsSpan(0, 2), .. app1, .. original.AsSpan(2)]);
        return path;
    }

    private static (byte R, byte G, byte B) PixelAt(Frame frame, int x, int y)
    {
        int at = (y * frame.Width + x) * 3;
        return (frame.Data[at], frame.Data[at + 1], frame.Data[at + 2]);
    }

    private static bool IsRed((byte R, byte G, byte B) p) => p.R > 200 && p.B < 60;

    private static bool IsBlue((byte R, byte G, byte B) p) => p.B > 200 && p.R < 60;

    [Theory]
    [InlineData(1, 64, 32, "red-left")]
    [InlineData(3, 64, 32, "red-right")]
    [InlineData(6, 32, 64, "red-top")]
    [InlineData(8, 32, 64, "red-bottom")]
    public async Task Exif_orientation_is_applied_so_the_frame_is_the_picture_as_shown(ushort orientation, int width, int height, string where)
    {
        using var frame = await ImageFileReader.ReadAsync(WithOrientation(RedBlueJpeg(), orientation), FfmpegLocation.OnPath);

        Assert.Equal((width, height), (frame.Width, frame.Height));
        var (first, last) = where switch
        {
            "red-left" or "red-right" => (PixelAt(frame, 4, 16), PixelAt(frame, 60, 16)),
            _ => (PixelAt(frame, 16, 4), PixelAt(frame, 16, 60)),
        };
        bool redFirst = where is "red-left" or "red-top";
        Assert.True(redFirst ? IsRed(first) && IsBlue(last) : IsBlue(first) && IsRed(last), $"{first} then {last}");
    }

    [Fact]
    public async Task A_jpeg_cut_in_half_is_an_error_not_a_grey_picture()
    {
        string whole = _temp.File("photo.jpg");
        Processes.Ffmpeg("-i", Path.Combine(RepoPaths.Samples, "photo.png"), "-frames:v", "1", "-q:v", "2", whole);
        byte[] bytes = File.ReadAllBytes(whole);
        string half = _temp.File("half.jpg");
        File.WriteAllBytes(half, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ImageFileReader.ReadAsync(half, FfmpegLocation.OnPath));

        Assert.Contains("damaged or cut short", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_picture_above_the_pixel_limit_is_refused_before_it_is_decoded()
    {
        string jpeg = RedBlueJpeg();
        string tiff = _temp.File("red-blue.tif");
        Processes.Ffmpeg("-i", jpeg, tiff);

        // Both decoders: Skia for the JPEG, ffmpeg for the TIFF.
        foreach (string path in new[] { jpeg, tiff })
        {
            var error = await Assert.ThrowsAsync<ImageTooLargeException>(() => ImageFileReader.ReadAsync(path, FfmpegLocation.OnPath, maxPixels: 2000));
            Assert.Contains("64x32", error.Message, StringComparison.Ordinal);
        }
        using var allowed = await ImageFileReader.ReadAsync(tiff, FfmpegLocation.OnPath, maxPixels: 2048);
        Assert.Equal(64, allowed.Width);
    }
}
