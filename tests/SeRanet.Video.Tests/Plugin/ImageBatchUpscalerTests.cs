using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Plugin;

/// <summary>
/// The image job in process (what <c>seranet image</c> runs), checked with ffprobe. The tool's own
/// behaviour (--json, exit codes, messages in its words) is tested in <see cref="Cli.ImageCommandTests"/>.
/// </summary>
[Trait("Category", "Integration")]
public class ImageBatchUpscalerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string Photo => Path.Combine(RepoPaths.Samples, "photo.png");

    public void Dispose() => _temp.Dispose();

    private static async Task<IReadOnlyList<ImageReport>> UpscaleAsync(string[] inputs, string output, double scale = 2, bool overwrite = false)
    {
        var jobs = ImageJobPlanner.Plan(inputs, output, "png");
        var loaded = UpscalerFactory.Create(new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions { Scale = scale }));
        using var upscaler = loaded.Upscaler;
        var seen = new List<ImageReport>();
        var reports = await new ImageBatchUpscaler(upscaler, overwrite, FfmpegLocation.OnPath)
            .RunAsync(jobs, new SynchronousProgress<ImageReport>(seen.Add), CancellationToken.None);
        Assert.Equal(reports, seen);
        return reports;
    }

    /// <summary>Width and height as ffprobe reads them, in one run.</summary>
    private static (int Width, int Height) SizeOf(string file)
    {
        int[] values = Processes.Probe(file, "width,height").Split('\n')
            .Select(value => int.Parse(value.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (values[0], values[1]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Upscales_a_photo_to_a_png_of_the_requested_scale(int factor)
    {
        string output = _temp.File("out.png");

        var report = Assert.Single(await UpscaleAsync([Photo], output, factor));

        Assert.Null(report.Error);
        var (width, height) = SizeOf(Photo);
        Assert.Equal((width, height, width * factor, height * factor), (report.Width, report.Height, report.OutputWidth, report.OutputHeight));
        Assert.Equal((width * factor, height * factor), SizeOf(output));
        Assert.Equal("png", Processes.Probe(output, "codec_name"));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Fact]
    public async Task A_folder_in_gives_a_folder_out()
    {
        string input = _temp.File("in");
        Directory.CreateDirectory(input);
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=48x32", "-frames:v", "1", Path.Combine(input, "a.png"));
        Processes.Ffmpeg("-f", "lavfi", "-i", "smptebars=size=33x21", "-frames:v", "1", Path.Combine(input, "b.jpg"));
        string output = _temp.File("out");

        var reports = await UpscaleAsync([input], output);

        Assert.All(reports, report => Assert.Null(report.Error));
        Assert.Equal((96, 64), SizeOf(Path.Combine(output, "a.png")));
        Assert.Equal((66, 42), SizeOf(Path.Combine(output, "b.png")));
    }

    [Fact]
    public async Task A_bad_image_in_a_folder_fails_alone_and_the_reports_keep_the_folder_order()
    {
        string input = _temp.File("in");
        Directory.CreateDirectory(input);
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=48x32", "-frames:v", "1", Path.Combine(input, "a.png"));
        File.WriteAllText(Path.Combine(input, "b.png"), "not a picture");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=20x20", "-frames:v", "1", Path.Combine(input, "c.jpg"));
        string output = _temp.File("out");

        var reports = await UpscaleAsync([input], output);

        Assert.Equal(["a.png", "b.png", "c.jpg"], reports.Select(r => Path.GetFileName(r.Input)));
        Assert.Equal([false, true, false], reports.Select(r => r.Error is not null));
        Assert.Contains("not a readable image", reports[1].Error, StringComparison.Ordinal);
        Assert.IsType<FfmpegException>(reports[1].Cause);
        Assert.Equal((96, 64), SizeOf(Path.Combine(output, "a.png")));
        Assert.Equal((40, 40), SizeOf(Path.Combine(output, "c.png")));
        Assert.False(File.Exists(Path.Combine(output, "b.png")));
    }

    [Fact]
    public async Task Sixteen_bit_input_stays_sixteen_bit()
    {
        string input = _temp.File("deep.png");
        Processes.Ffmpeg("-f", "lavfi", "-i", "gradients=size=40x30:seed=1", "-frames:v", "1", "-pix_fmt", "rgb48be", input);
        string output = _temp.File("deep-2x.png");

        var report = Assert.Single(await UpscaleAsync([input], output));

        Assert.Equal(16, report.BitDepth);
        Assert.Equal("rgb48be", Processes.Probe(output, "pix_fmt"));
        Assert.Equal((80, 60), SizeOf(output));
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_fails_clearly_and_writes_nothing()
    {
        string input = _temp.File("notes.png");
        File.WriteAllText(input, "definitely not a picture");
        string output = _temp.File("out.png");

        var report = Assert.Single(await UpscaleAsync([input], output));

        Assert.Contains("not a readable image", report.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Refuses_to_overwrite_without_being_asked_and_replaces_when_asked()
    {
        string output = _temp.File("exists.png");
        File.WriteAllText(output, "keep me");

        var refused = Assert.Single(await UpscaleAsync([Photo], output));

        Assert.IsType<OutputExistsException>(refused.Cause);
        Assert.DoesNotContain("--", refused.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(output));

        var replaced = Assert.Single(await UpscaleAsync([Photo], output, overwrite: true));

        Assert.Null(replaced.Error);
        Assert.Equal("png", Processes.Probe(output, "codec_name"));
    }
}
