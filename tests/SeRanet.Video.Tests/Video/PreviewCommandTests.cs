using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Video;

/// <summary>
/// <c>seranet preview</c> as a user runs it: what the tool itself adds to the preview job, its
/// --json report. The job's pictures and refusals are tested in process in
/// <see cref="Plugin.FramePreviewerTests"/>, and how the tool words a refusal (--crop, --at) in
/// <see cref="Cli.ToolEnvironmentTests"/>; exit codes and messages of a failing job are checked on
/// the image command (<see cref="Cli.ImageCommandTests"/>), which shares <c>CommandErrors</c>.
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
}
