using System.Text.RegularExpressions;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Preview;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Tests.Video;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Plugin;

/// <summary>The report's parts in process: which frames, the estimate's arithmetic, and a page that needs nothing else.</summary>
public partial class PreviewReportTests
{
    [Theory]
    [InlineData(100, 3, new long[] { 16, 50, 83 })]
    [InlineData(25, 3, new long[] { 4, 12, 20 })]
    [InlineData(2, 5, new long[] { 0, 1 })]
    [InlineData(1, 1, new long[] { 0 })]
    [InlineData(10, 1, new long[] { 5 })]
    public void Samples_are_the_middles_of_equal_parts(long frames, int samples, long[] expected) =>
        Assert.Equal(expected, FrameSampling.Evenly(frames, samples));

    [Fact]
    public void Samples_are_distinct_ascending_and_inside_the_video()
    {
        foreach (long frames in new long[] { 1, 2, 7, 48, 1000, 172_800 })
        {
            foreach (int samples in new[] { 1, 3, 6, 50 })
            {
                var indices = FrameSampling.Evenly(frames, samples);
                Assert.Equal(Math.Min(frames, samples), indices.Count);
                Assert.True(indices.Zip(indices.Skip(1)).All(pair => pair.First < pair.Second), $"{frames}/{samples}");
                Assert.InRange(indices[^1], 0, frames - 1);
            }
        }
    }

    [Fact]
    public void The_estimate_scales_the_median_time_and_the_mean_size_by_the_frame_count()
    {
        // The first sample pays the network's one-off start: the median leaves it out.
        var estimate = new RunEstimate(Frames: 1000, VideoSeconds: 40, SampleModelSeconds: [2.0, 0.5, 0.7], SampleVideoBytes: 3000);

        Assert.Equal(0.7, estimate.ModelSecondsPerFrame, 12);
        Assert.Equal(700, estimate.ModelSeconds, 9);
        Assert.Equal(1000, estimate.BytesPerFrame, 12);
        Assert.Equal(1_000_000, estimate.VideoBytes, 6);
        Assert.Equal(200_000, estimate.VideoBitsPerSecond, 6);
        Assert.Equal(0.6, new RunEstimate(10, 0, [0.4, 0.9, 0.5, 0.7], 0).ModelSecondsPerFrame, 12);
        Assert.Equal(0, new RunEstimate(10, 0, [1.0], 10).VideoBitsPerSecond);
    }

    [Fact]
    public void The_zoomed_crop_goes_where_the_frame_has_detail()
    {
        // A flat 96x48 frame with a checkerboard patch at x 60-75, y 30-41.
        var frame = new SeRanet.Video.Upscaler.Imaging.ImagePlanes(3, 48, 96);
        Array.Fill(frame.Data, 0.5f);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 30; y < 42; y++)
            {
                for (int x = 60; x < 76; x++)
                {
                    frame[c, y, x] = (x + y) % 2 == 0 ? 0f : 1f;
                }
            }
        }

        var region = DetailRegion.Find(frame);

        Assert.Equal((16, 8), (region.Width, region.Height));
        Assert.InRange(region.X, 60 - 8, 76 - 8);
        Assert.InRange(region.Y, 30 - 4, 42 - 4);
        Assert.True(region.X + region.Width <= 96 && region.Y + region.Height <= 48);
    }

    [Theory]
    [InlineData(12.345, "12.3 s")]
    [InlineData(200, "3 min 20 s")]
    [InlineData(7500, "2 h 05 min")]
    public void Durations_read_as_people_say_them(double seconds, string expected) =>
        Assert.Equal(expected, PreviewReportPage.Duration(seconds));

    [Theory]
    [InlineData(512, "512 bytes")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(3 * 1048576.0, "3.0 MiB")]
    [InlineData(2.5 * 1073741824.0, "2.50 GiB")]
    public void Sizes_are_in_binary_units(double bytes, string expected) =>
        Assert.Equal(expected, PreviewReportPage.Bytes(bytes));

    [Fact]
    public async Task The_page_holds_one_labelled_slider_per_sample_and_names_no_outside_resource()
    {
        byte[] picture = [0x89, (byte)'P', (byte)'N', (byte)'G'];
        var figures = Enumerable.Range(0, 3).Select(i => new ReportFigure(new ReportSample(i * 10, i * 0.4, 0.25), 128, 96, picture, picture,
            new PreviewCrop(1, 2, 10, 8), 4, picture, picture)).ToList();
        var facts = new ReportFacts("<clip>.mp4", SomeVideo(), "seranet-test", "torch", "cpu", (128, 96), new EncoderOptions(), "yuv420p");
        using var text = new StringWriter();

        await new PreviewReportPage(facts, figures, new RunEstimate(30, 1.2, [0.25, 0.25, 0.25], 3000)).WriteAsync(text, CancellationToken.None);
        string html = text.ToString();

        AssertSelfContained(html);
        Assert.Equal(3, Regex.Count(html, "<figure class=\"comparison\""));
        Assert.Equal(3, Regex.Count(html, "<input type=\"range\""));
        foreach (Match slider in Regex.Matches(html, "<input type=\"range\" id=\"([^\"]+)\""))
        {
            Assert.Contains($"<label for=\"{slider.Groups[1].Value}\">", html, StringComparison.Ordinal);
        }
        Assert.Contains("&lt;clip&gt;.mp4", html, StringComparison.Ordinal);
        Assert.Contains("estimate", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("-crf 18", html, StringComparison.Ordinal);
    }

    /// <summary>No address outside the file: every src is a data URI, no link element, no http(s) URL, and a policy that forbids the rest.</summary>
    internal static void AssertSelfContained(string html)
    {
        Assert.DoesNotMatch("(?i)https?://", html);
        Assert.DoesNotMatch("(?i)<link", html);
        Assert.DoesNotMatch("(?i)url\\(", html);
        var sources = Regex.Matches(html, "(?i)\\b(?:src|href)\\s*=\\s*\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.StartsWith("data:image/", source, StringComparison.Ordinal));
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html, StringComparison.Ordinal);
    }

    private static VideoInfo SomeVideo() => new()
    {
        Path = "clip.mp4",
        FormatName = "mp4",
        StreamIndex = 0,
        CodecName = "h264",
        Width = 64,
        Height = 48,
        FramePts = [.. Enumerable.Range(0, 30).Select(i => (long)i)],
        FrameRate = new Rational(25, 1),
        TimeBase = new Rational(1, 25),
        PixelFormat = "yuv420p",
        BitDepth = 8,
        Color = VideoColor.Describe(null, null, null, null, "yuv420p", 48),
    };
}

/// <summary>
/// The whole report on a lavfi clip, in process, then opened in a real headless browser (Debian's
/// chromium over the DevTools protocol): it loads with no console error and no request leaving the
/// file, shows one comparison per sample, and its slider follows the keyboard. The screenshot goes
/// to artifacts/test-results/preview-report/.
/// </summary>
[Trait("Category", "Integration")]
public class PreviewReportBrowserTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<PreviewReportResult> ReportAsync(string input, string output, int samples) =>
        PreviewReport.RunAsync(new PreviewReportRequest
        {
            Input = input,
            Output = output,
            Samples = samples,
            Model = new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions()),
        }, null, null, CancellationToken.None);

    [Fact]
    public async Task A_report_samples_three_frames_estimates_the_run_and_leaves_no_scratch_file()
    {
        string input = VideoClips.Plain(_temp, "clip.mp4", 25);
        string output = _temp.File("report.html");

        var result = await ReportAsync(input, output, 3);

        Assert.Equal([4L, 12L, 20L], result.Samples.Select(s => s.Frame));
        Assert.Equal(25, result.Estimate.Frames);
        Assert.All(result.Samples, s => Assert.True(s.ModelSeconds > 0));
        Assert.Equal(0.48, result.Samples[1].Seconds, 3);
        // Three 128x96 frames from libx264 at CRF 18: more than headers, far less than raw.
        Assert.InRange(result.Estimate.SampleVideoBytes, 300, 3 * 128 * 96 * 3 / 2);
        Assert.Equal(result.Estimate.SampleVideoBytes / 3.0 * 25, result.Estimate.VideoBytes, 6);
        Assert.Equal(["clip.mp4", "report.html"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Order());
        PreviewReportTests.AssertSelfContained(await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task An_existing_report_is_kept_unless_overwriting_is_asked()
    {
        string input = VideoClips.Plain(_temp, "clip.mp4", 5);
        string output = _temp.File("report.html");
        await File.WriteAllTextAsync(output, "keep me");

        await Assert.ThrowsAsync<SeRanet.Video.Core.Files.OutputExistsException>(() => ReportAsync(input, output, 2));

        Assert.Equal("keep me", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task The_report_loads_in_chromium_without_errors_and_its_sliders_follow_the_keyboard()
    {
        string input = VideoClips.Plain(_temp, "clip.mp4", 25);
        string output = _temp.File("report.html");
        await ReportAsync(input, output, 3);

        await using var browser = await HeadlessChromium.StartAsync();
        await browser.OpenAsync(output);

        Assert.Equal(3, (int)(await browser.EvaluateAsync("document.querySelectorAll('figure.comparison').length"))!);
        Assert.True((bool)(await browser.EvaluateAsync("[...document.images].every(i => i.complete && i.naturalWidth > 0)"))!);
        Assert.Equal(12, (int)(await browser.EvaluateAsync("document.images.length"))!);
        Assert.Equal("50", (string)(await browser.EvaluateAsync("document.getElementById('comparison-2').dataset.split"))!);

        await browser.EvaluateAsync("document.getElementById('slider-2').focus()");
        for (int i = 0; i < 10; i++)
        {
            await browser.PressAsync("ArrowRight", 39);
        }
        Assert.Equal("60", (string)(await browser.EvaluateAsync("document.getElementById('slider-2').value"))!);
        Assert.Equal("60", (string)(await browser.EvaluateAsync("document.getElementById('comparison-2').dataset.split"))!);
        // The bicubic picture now covers 60% of the frame from the left, and the line sits there.
        Assert.Equal("inset(0px 40% 0px 0px)", (string)(await browser.EvaluateAsync("getComputedStyle(document.querySelector('#comparison-2 .before')).clipPath"))!);
        Assert.Equal("60%", (string)(await browser.EvaluateAsync("document.querySelector('#comparison-2 .line').style.left"))!);
        await browser.PressAsync("Home", 36);
        Assert.Equal("0", (string)(await browser.EvaluateAsync("document.getElementById('comparison-2').dataset.split"))!);
        // Only the other sliders keep their place.
        Assert.Equal("50", (string)(await browser.EvaluateAsync("document.getElementById('comparison-1').dataset.split"))!);

        byte[] screenshot = await browser.ScreenshotAsync();
        string folder = Path.Combine(RepoPaths.Root, "artifacts", "test-results", "preview-report");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "report.png"), screenshot);
        Assert.Equal("PNG", System.Text.Encoding.ASCII.GetString(screenshot, 1, 3));

        Assert.Empty(browser.Errors);
        string page = new Uri(output).AbsoluteUri;
        Assert.All(browser.Requests, url => Assert.True(url == page || url.StartsWith("data:", StringComparison.Ordinal), url));
    }

    [Fact]
    public async Task The_browser_harness_sees_console_errors_exceptions_and_outside_requests()
    {
        // The check above can fail: a page that logs an error, throws and asks the network is caught.
        string page = _temp.File("bad.html");
        await File.WriteAllTextAsync(page, "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/x.png\" alt=\"x\">" +
            "<script>console.error('bad'); setTimeout(() => { throw new Error('boom'); });</script></body></html>");

        await using var browser = await HeadlessChromium.StartAsync();
        await browser.OpenAsync(page);
        await browser.EvaluateAsync("new Promise(done => setTimeout(done, 200))");

        Assert.Contains(browser.Errors, e => e.Contains("bad", StringComparison.Ordinal));
        Assert.Contains(browser.Errors, e => e.Contains("boom", StringComparison.Ordinal));
        Assert.Contains("http://127.0.0.1:9/x.png", browser.Requests);
    }
}
