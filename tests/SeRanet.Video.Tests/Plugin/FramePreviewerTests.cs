using SeRanet.Video.Core.Options;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Preview;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Tests.Video;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Plugin;

/// <summary>
/// The preview job in process (what <c>seranet preview</c> runs) on a clip whose frames say their
/// own index through their brightness. The tool's own behaviour (--json, exit codes, messages) is
/// tested in <see cref="Video.PreviewCommandTests"/>.
/// </summary>
[Trait("Category", "Integration")]
public class FramePreviewerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Grey level of frame n of the ramp after conversion to full-range RGB.</summary>
    private static double RampGrey(int n) => (8.0 * n) * 255 / 219;

    private static Task<PreviewResult> PreviewAsync(string input, string output, (long, long)? frames = null, double? at = null, PreviewCrop? crop = null,
        IProgress<IReadOnlyList<string>>? modelWarnings = null) =>
        FramePreviewer.RunAsync(new PreviewRequest
        {
            Input = input,
            Output = output,
            Model = new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions()),
            Frames = frames,
            AtSeconds = at,
            Crop = crop,
        }, null, modelWarnings, CancellationToken.None);

    [Theory]
    [InlineData(12, null, 12)]
    [InlineData(null, 0.2, 5)]
    [InlineData(null, 0.44, 11)]
    public async Task Writes_the_chosen_frame_bicubic_left_and_seranet_right(int? index, double? at, int frame)
    {
        string input = VideoClips.Ramp(_temp, 16);
        string output = _temp.File("preview.png");

        var result = await PreviewAsync(input, output, index is { } i ? (i, i) : null, at);

        var image = Assert.Single(result.Images);
        Assert.Equal((output, (long)frame, 260, 96), (image.Path, image.Frame, image.Width, image.Height));
        Assert.Equal("260", Processes.Probe(output, "width"));
        Assert.Equal("96", Processes.Probe(output, "height"));
        double left = VideoClips.MeanLuma(_temp, output, "128:96:0:0")[0];
        double right = VideoClips.MeanLuma(_temp, output, "128:96:132:0")[0];
        Assert.InRange(left, RampGrey(frame) - 2, RampGrey(frame) + 2);
        Assert.InRange(right, RampGrey(frame) - 2, RampGrey(frame) + 2);
    }

    [Fact]
    public async Task A_range_writes_one_numbered_png_per_frame_and_a_crop_is_enlarged()
    {
        string input = VideoClips.Ramp(_temp, 8);
        string output = _temp.File("p.png");

        var result = await PreviewAsync(input, output, (3, 5), crop: new PreviewCrop(8, 8, 16, 16));

        Assert.Equal(["p-000003.png", "p-000004.png", "p-000005.png"], Directory.GetFiles(_temp.Path, "p-*.png").Select(Path.GetFileName).Order());
        Assert.Equal([3L, 4L, 5L], result.Images.Select(i => i.Frame));
        // 16 source pixels are 32 at 2x, zoomed 16x to 512, twice plus the gap.
        Assert.Equal("1028", Processes.Probe(_temp.File("p-000004.png"), "width"));
    }

    [Fact]
    public async Task A_range_into_a_folder_writes_numbered_pngs_there()
    {
        string input = VideoClips.Ramp(_temp, 6);
        string folder = _temp.File("frames") + Path.DirectorySeparatorChar;

        var result = await PreviewAsync(input, folder, (1, 2));

        Assert.Equal(["frame-000001.png", "frame-000002.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Equal([Path.Combine(folder, "frame-000001.png"), Path.Combine(folder, "frame-000002.png")], result.Images.Select(i => i.Path));
    }

    [Fact]
    public async Task A_frame_past_the_end_fails_before_writing()
    {
        string input = VideoClips.Ramp(_temp, 4);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => PreviewAsync(input, _temp.File("x.png"), (9, 9)));

        Assert.Contains("outside the video's 4 frames", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("x.png")));
    }

    [Fact]
    public async Task A_crop_outside_the_frame_names_the_option_without_a_flag()
    {
        string input = VideoClips.Ramp(_temp, 2);

        var error = await Assert.ThrowsAsync<InvalidOptionException>(() => PreviewAsync(input, _temp.File("c.png"), (0, 0), crop: new PreviewCrop(100, 0, 16, 16)));

        Assert.Equal("PreviewRequest.Crop", error.Option);
        Assert.Contains("is not inside the 64x48 frame", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("c.png")));
    }

    [Fact]
    public async Task The_model_s_warnings_are_given_when_it_loads_so_a_preview_that_fails_later_still_says_them()
    {
        string input = VideoClips.Ramp(_temp, 2);
        var given = new List<IReadOnlyList<string>>();

        // The crop is checked against the decoded frame, after the model has loaded.
        await Assert.ThrowsAsync<InvalidOptionException>(() => PreviewAsync(input, _temp.File("c.png"), (0, 0), crop: new PreviewCrop(100, 0, 16, 16),
            modelWarnings: new SynchronousProgress<IReadOnlyList<string>>(given.Add)));

        var warnings = Assert.Single(given);
        using var upscaler = UpscalerFactory.Create(new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions())).Upscaler;
        Assert.Equal(upscaler.Warnings, warnings);
    }
}
