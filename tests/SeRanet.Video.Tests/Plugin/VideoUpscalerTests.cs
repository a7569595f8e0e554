using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Video;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Tests.Video;
using SeRanet.Video.Upscaler.Inference;

namespace SeRanet.Video.Tests.Plugin;

/// <summary>
/// The video job in process (what <c>seranet upscale</c> runs) on tiny lavfi clips, checked with
/// ffprobe. The tool's own behaviour (exit codes, messages, Ctrl-C, --json) is tested in
/// <see cref="Video.UpscaleCommandTests"/>. Every test runs once per backend
/// (<see cref="OnnxRuntimeVideoUpscalerTests"/>): the backend changes the network, nothing around it.
/// </summary>
[Trait("Category", "Integration")]
public class VideoUpscalerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose()
    {
        _temp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected virtual InferenceBackend Backend => InferenceBackend.Torch;

    private Task<VideoUpscaleResult> UpscaleAsync(string input, string output, int framesPerBatch = 4, double scale = 2, string codec = EncoderOptions.DefaultCodec, int? tile = null) =>
        VideoUpscaler.RunAsync(new VideoUpscaleRequest
        {
            Input = input,
            Output = output,
            Model = new ModelChoice(null, DeviceChoice.Auto, new UpscaleOptions { Scale = scale, TileSize = tile, Backend = Backend }),
            Encoder = new EncoderOptions { Codec = codec },
            FramesPerBatch = framesPerBatch,
        }, null, CancellationToken.None);

    private static (int Width, int Height) SizeOf(string file) =>
        (int.Parse(Processes.Probe(file, "width"), System.Globalization.CultureInfo.InvariantCulture),
         int.Parse(Processes.Probe(file, "height"), System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Attachments_chapters_and_stream_and_file_tags_are_kept()
    {
        string metadata = _temp.File("meta.txt");
        File.WriteAllText(metadata, ";FFMETADATA1\ntitle=My Clip\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=200\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=200\nEND=400\ntitle=Two\n");
        string font = _temp.File("font.ttf");
        File.WriteAllBytes(font, Enumerable.Range(0, 1500).Select(i => (byte)(i * 7)).ToArray());
        string input = _temp.File("rich.mkv");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "sine", "-i", metadata,
            "-frames:v", "4", "-t", "0.4", "-map", "0", "-map", "1", "-map_metadata", "2", "-map_chapters", "2",
            "-c:v", "libx264", "-c:a", "flac", "-metadata:s:a:0", "language=fra", "-metadata:s:a:0", "title=Commentary",
            "-attach", font, "-metadata:s:t", "mimetype=application/x-truetype-font", input);
        string output = _temp.File("rich-2x.mkv");

        await UpscaleAsync(input, output);

        static string Describe(string file) => Processes.Run("ffprobe", "-v", "error", "-show_entries",
            "stream=index,codec_type,codec_name:stream_tags=language,title,filename,mimetype:format_tags=title:chapter=start_time,end_time:chapter_tags=title",
            "-of", "compact", file).Stdout;
        Assert.Equal(Describe(input), Describe(output));
        Assert.Contains("tag:title=Two", Describe(output), StringComparison.Ordinal);
        string dumped = _temp.File("dumped.ttf");
        Processes.Run("ffmpeg", "-nostdin", "-v", "error", "-y", "-dump_attachment:t:0", dumped, "-i", output);
        Assert.Equal(File.ReadAllBytes(font), File.ReadAllBytes(dumped));
    }

    [Fact]
    public async Task Frames_stay_in_order()
    {
        string input = VideoClips.Ramp(_temp, 12);
        string output = _temp.File("ramp-2x.mkv");

        await UpscaleAsync(input, output, framesPerBatch: 5);

        var expected = VideoClips.MeanLuma(_temp, input);
        var actual = VideoClips.MeanLuma(_temp, output);
        Assert.Equal(12, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.InRange(actual[i], expected[i] - 2, expected[i] + 2);
        }
    }

    [Fact]
    public async Task Scale_4_quadruples_the_size()
    {
        string input = VideoClips.Plain(_temp, "small.mp4", 3, size: "32x24");
        string output = _temp.File("4x.mp4");

        await UpscaleAsync(input, output, scale: 4);

        Assert.Equal((128, 96), SizeOf(output));
        Assert.Equal(3, VideoClips.FrameCount(output));
    }

    [Theory]
    [InlineData("bt709", "tv", "yuv420p")]
    [InlineData("smpte170m", "tv", "yuv420p")]
    [InlineData("bt470bg", "pc", "yuvj420p")]
    public async Task A_flat_colour_keeps_its_yuv_values_and_colour_tags(string space, string range, string pixelFormat)
    {
        string matrix = space == "bt709" ? "bt709" : "bt601";
        string input = _temp.File($"flat-{space}.mp4");
        Processes.Ffmpeg("-f", "lavfi", "-i", "color=c=0xB04020:size=64x48:rate=25", "-frames:v", "4",
            "-vf", $"scale=out_color_matrix={matrix}:out_range={range},format={pixelFormat}",
            "-c:v", "libx264", "-colorspace", space, "-color_primaries", space == "bt709" ? "bt709" : "smpte170m",
            "-color_trc", space == "bt709" ? "bt709" : "smpte170m", "-color_range", range, input);
        string output = _temp.File($"flat-{space}-2x.mp4");

        await UpscaleAsync(input, output);

        var before = VideoClips.CentreYuv(_temp, input, 64, 48);
        var after = VideoClips.CentreYuv(_temp, output, 128, 96);
        Assert.InRange(after.Y, before.Y - 2, before.Y + 2);
        Assert.InRange(after.U, before.U - 2, before.U + 2);
        Assert.InRange(after.V, before.V - 2, before.V + 2);
        foreach (string tag in new[] { "color_range", "color_space", "color_primaries", "color_transfer" })
        {
            Assert.Equal(Processes.Probe(input, tag), Processes.Probe(output, tag));
        }
    }

    [Theory]
    [InlineData(".mkv", 1000)]
    [InlineData(".mp4", 90000)]
    public async Task Variable_frame_rate_timestamps_survive(string container, int timeScale)
    {
        string input = _temp.File("vfr" + container);
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "8",
            "-vf", "settb=1/1000,setpts='(N*0.04+0.013*N*N)/TB'", "-fps_mode", "passthrough",
            "-enc_time_base", $"1/{timeScale}", "-c:v", "libx264", input);
        string output = _temp.File("vfr-2x.mp4");

        await UpscaleAsync(input, output);

        var expected = VideoClips.FrameTimes(input);
        var actual = VideoClips.FrameTimes(output);
        Assert.Equal(8, expected.Count);
        Assert.True(expected[^1] - expected[^2] > 0.2, "the clip should really be variable-rate");
        Assert.Equal(expected.Count, actual.Count);
        double tick = 1.0 / timeScale;
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.InRange(actual[i], expected[i] - tick, expected[i] + tick);
        }
    }

    [Fact]
    public async Task A_rotated_source_comes_out_upright_with_the_same_picture()
    {
        string stored = VideoClips.Plain(_temp, "stored.mp4", 2);
        string input = _temp.File("rotated.mp4");
        // ffmpeg 5.1 attaches a rotation only when stream-copying.
        Processes.Ffmpeg("-i", stored, "-c", "copy", "-metadata:s:v:0", "rotate=90", input);
        string output = _temp.File("rotated-2x.mp4");

        await UpscaleAsync(input, output);

        Assert.Equal((96, 128), SizeOf(output));
        // ffmpeg turns the input upright itself here, so the two pictures match only if ours is upright too.
        var psnr = Processes.Run("ffmpeg", "-nostdin", "-i", output, "-i", input,
            "-lavfi", "[0]scale=48:64,setsar=1[a];[1]setsar=1[b];[a][b]psnr", "-f", "null", "-");
        var average = System.Text.RegularExpressions.Regex.Match(psnr.Stderr, @"average:([0-9.]+)");
        Assert.True(average.Success, psnr.Stderr);
        Assert.True(double.Parse(average.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 25, psnr.Stderr);
    }

    [Fact]
    public async Task Ten_bit_in_gives_ten_bit_out()
    {
        string input = VideoClips.Plain(_temp, "deep.mkv", 3, pixelFormat: "yuv420p10le");
        string output = _temp.File("deep-2x.mkv");

        await UpscaleAsync(input, output);

        Assert.Equal("yuv420p10le", Processes.Probe(output, "pix_fmt"));
        Assert.Equal(3, VideoClips.FrameCount(output));
    }

    [Fact]
    public async Task Aac_audio_in_mp4_is_copied_bit_for_bit()
    {
        string input = _temp.File("aac.mp4");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-frames:v", "5", "-t", "0.2", "-c:v", "libx264", "-c:a", "aac", "-b:a", "96k", input);
        string output = _temp.File("aac-2x.mp4");

        await UpscaleAsync(input, output);

        Assert.Equal("aac", Processes.Probe(output, "codec_name", "a:0"));
        Assert.Equal(VideoClips.PacketHash(input, "a"), VideoClips.PacketHash(output, "a"));
    }

    [Fact]
    public async Task A_ten_bit_bt2020_flat_colour_keeps_its_values_and_tags()
    {
        string input = _temp.File("bt2020.mkv");
        Processes.Ffmpeg("-f", "lavfi", "-i", "color=c=0x3080C0:size=64x48:rate=25", "-frames:v", "3",
            "-vf", "scale=out_color_matrix=bt2020:out_range=tv,format=yuv420p10le",
            "-c:v", "libx264", "-colorspace", "bt2020nc", "-color_primaries", "bt2020", "-color_trc", "bt2020-10", "-color_range", "tv", input);
        string output = _temp.File("bt2020-2x.mkv");

        await UpscaleAsync(input, output);

        Assert.Equal("yuv420p10le", Processes.Probe(output, "pix_fmt"));
        foreach (string tag in new[] { "color_range", "color_space", "color_primaries", "color_transfer" })
        {
            Assert.Equal(Processes.Probe(input, tag), Processes.Probe(output, tag));
        }
        Assert.Equal("bt2020nc", Processes.Probe(output, "color_space"));
        var before = CentreYuv10(input, 64, 48);
        var after = CentreYuv10(output, 128, 96);
        // 10-bit levels: 4 of them are one 8-bit step.
        Assert.InRange(after.Y, before.Y - 8, before.Y + 8);
        Assert.InRange(after.U, before.U - 8, before.U + 8);
        Assert.InRange(after.V, before.V - 8, before.V + 8);
        // A 10-bit source really carries 10 bits: not every value a multiple of 4.
        Assert.False(before.Y % 4 == 0 && before.U % 4 == 0 && before.V % 4 == 0, $"{before}");
    }

    /// <summary>Y, U and V of the first frame's centre in a yuv420p10le file, as 10-bit levels.</summary>
    private (int Y, int U, int V) CentreYuv10(string file, int width, int height)
    {
        string raw = _temp.File(Path.GetFileNameWithoutExtension(file) + ".yuv");
        Processes.Ffmpeg("-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p10le", raw);
        byte[] data = File.ReadAllBytes(raw);
        int Sample(int index) => data[2 * index] | (data[2 * index + 1] << 8);
        int luma = width * height;
        int chromaWidth = width / 2;
        int chromaAt = height / 4 * chromaWidth + width / 4;
        return (Sample(height / 2 * width + width / 2), Sample(luma + chromaAt), Sample(luma + luma / 4 + chromaAt));
    }

    [Fact]
    public async Task Tiled_and_untiled_runs_write_the_same_frames()
    {
        string input = VideoClips.Plain(_temp, "tiles.mkv", 3, size: "48x40");
        string untiled = _temp.File("untiled.mkv");
        string tiled = _temp.File("tiled.mkv");

        await UpscaleAsync(input, untiled, codec: "ffv1");
        await UpscaleAsync(input, tiled, codec: "ffv1", tile: 16);

        byte[] Frames(string file)
        {
            string raw = _temp.File(Path.GetFileNameWithoutExtension(file) + ".raw");
            Processes.Ffmpeg("-i", file, "-map", "0:v", "-f", "rawvideo", raw);
            return File.ReadAllBytes(raw);
        }
        byte[] a = Frames(untiled), b = Frames(tiled);
        Assert.Equal(3 * 96 * 80 * 3 / 2, a.Length);
        Assert.Equal(a.Length, b.Length);
        // Tiles change float rounding (below 1e-4), which may tip a rare value to the next level; a seam would be far more.
        int worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        int differing = a.Zip(b).Count(pair => pair.First != pair.Second);
        Assert.True(worst <= 1 && differing <= a.Length / 1000, $"{differing} values differ, by up to {worst}");
    }
}

/// <summary>The video job's tests with ONNX Runtime running the network.</summary>
public sealed class OnnxRuntimeVideoUpscalerTests : VideoUpscalerTests
{
    protected override InferenceBackend Backend => InferenceBackend.OnnxRuntime;
}
