using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Video;

/// <summary>
/// <c>seranet preview</c> as a user runs it: what the tool itself adds to the preview job (its
/// --json report, exit codes and messages in its words). The job's pictures are tested in process
/// in <see cref="Plugin.FramePreviewerTests"/>.
/// </summary>
[Trait("Category", "Integration")]
public class PreviewCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_range_into_a_folder_is_reported_as_json()
    {
        string input = VideoClips.Ramp(_temp, 6);
        string folder = _temp.File("frames") + Path.DirectorySeparatorChar;

        var result = Processes.Seranet("preview", input, "--frames", "1-2", "-o", folder, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var images = report.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([1L, 2L], images.Select(i => i.GetProperty("frame").GetInt64()));
        Assert.Equal(Path.Combine(folder, "frame-000002.png"), images[1].GetProperty("path").GetString());
    }

    [Fact]
    public void A_crop_outside_the_frame_exits_1_naming_the_flag()
    {
        string input = VideoClips.Ramp(_temp, 4);

        var result = Processes.Seranet("preview", input, "--frame", "1", "--crop", "100,0,16,16", "-o", _temp.File("x.png"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: --crop 100,0,16,16 is not inside the 64x48 frame.", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("x.png")));
    }
}
