using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Video;

/// <summary><c>seranet preview</c> on a clip whose frames say their own index through their brightness.</summary>
[Trait("Category", "Integration")]
public class PreviewCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Grey level of frame n of the ramp after conversion to full-range RGB.</summary>
    private static double RampGrey(int n) => (8.0 * n) * 255 / 219;

    [Theory]
    [InlineData("--frame", "12", 12)]
    [InlineData("--at", "0.2", 5)]
    [InlineData("--at", "00:00:00.44", 11)]
    public void Writes_the_chosen_frame_bicubic_left_and_seranet_right(string option, string value, int frame)
    {
        string input = VideoClips.Ramp(_temp, 16);
        string output = _temp.File("preview.png");

        var result = Processes.Seranet("preview", input, option, value, "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("260", Processes.Probe(output, "width"));
        Assert.Equal("96", Processes.Probe(output, "height"));
        double left = VideoClips.MeanLuma(_temp, output, "128:96:0:0")[0];
        double right = VideoClips.MeanLuma(_temp, output, "128:96:132:0")[0];
        Assert.InRange(left, RampGrey(frame) - 2, RampGrey(frame) + 2);
        Assert.InRange(right, RampGrey(frame) - 2, RampGrey(frame) + 2);
    }

    [Fact]
    public void A_range_writes_one_numbered_png_per_frame_and_a_crop_is_enlarged()
    {
        string input = VideoClips.Ramp(_temp, 8);
        string output = _temp.File("p.png");

        var result = Processes.Seranet("preview", input, "--frames", "3-5", "--crop", "8,8,16,16", "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["p-000003.png", "p-000004.png", "p-000005.png"], Directory.GetFiles(_temp.Path, "p-*.png").Select(Path.GetFileName).Order());
        // 16 source pixels are 32 at 2x, zoomed 16x to 512, twice plus the gap.
        Assert.Equal("1028", Processes.Probe(_temp.File("p-000004.png"), "width"));
    }

    [Fact]
    public void A_range_into_a_folder_writes_numbered_pngs_there_and_reports_them_as_json()
    {
        string input = VideoClips.Ramp(_temp, 6);
        string folder = _temp.File("frames") + Path.DirectorySeparatorChar;

        var result = Processes.Seranet("preview", input, "--frames", "1-2", "-o", folder, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["frame-000001.png", "frame-000002.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var images = report.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([1L, 2L], images.Select(i => i.GetProperty("frame").GetInt64()));
        Assert.Equal(Path.Combine(folder, "frame-000002.png"), images[1].GetProperty("path").GetString());
    }

    [Fact]
    public void A_frame_past_the_end_fails_clearly()
    {
        string input = VideoClips.Ramp(_temp, 4);

        var result = Processes.Seranet("preview", input, "--frame", "9", "-o", _temp.File("x.png"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("outside the video's 4 frames", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("x.png")));
    }
}
