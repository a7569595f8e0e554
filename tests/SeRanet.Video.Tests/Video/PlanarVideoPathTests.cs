using System.Diagnostics;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Video;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Video;

/// <summary>
/// The video job's two kinds of frames: a Y model on a gray or YUV source gets the source's planes
/// (decoded without conversion, encoded without conversion where the output format is the same),
/// everything else gets RGB as before. The end-to-end equality with the y4m filter is in Y4mHostTests.
/// </summary>
public sealed class PlanarVideoPathTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("yuv420p", 8, PlaneLayout.Yuv420, 8)]
    [InlineData("yuvj420p", 8, PlaneLayout.Yuv420, 8)]
    [InlineData("nv12", 8, PlaneLayout.Yuv420, 8)]
    [InlineData("p010le", 10, PlaneLayout.Yuv420, 10)]
    [InlineData("yuyv422", 8, PlaneLayout.Yuv422, 8)]
    [InlineData("yuv411p", 8, PlaneLayout.Yuv422, 8)]
    [InlineData("yuv440p", 8, PlaneLayout.Yuv444, 8)]
    [InlineData("yuva444p12le", 12, PlaneLayout.Yuv444, 12)]
    [InlineData("yuv422p10le", 10, PlaneLayout.Yuv422, 10)]
    [InlineData("gray", 8, PlaneLayout.Gray, 8)]
    [InlineData("gray10le", 10, PlaneLayout.Gray, 10)]
    [InlineData("ya16le", 16, PlaneLayout.Gray, 16)]
    [InlineData("yuv420p", 11, PlaneLayout.Yuv420, 12)]
    public void Yuv_and_gray_sources_map_to_the_planar_layout_that_keeps_every_sample(string source, int depth, PlaneLayout layout, int bits)
    {
        var format = FfmpegPlaneFormats.ForSource(source, depth);

        Assert.NotNull(format);
        Assert.Equal((layout, bits), (format.Layout, format.BitDepth));
    }

    [Theory]
    [InlineData("rgb24")]
    [InlineData("gbrp10le")]
    [InlineData("bgr0")]
    [InlineData("pal8")]
    [InlineData("grayf32le")]
    public void Rgb_and_other_sources_have_no_planar_layout(string source) =>
        Assert.Null(FfmpegPlaneFormats.ForSource(source, 8));

    private static VideoInfo Source(string pixelFormat, int bitDepth, string range = "tv", string? chromaLocation = null) => new()
    {
        Path = "/videos/in.mkv",
        FormatName = "matroska,webm",
        StreamIndex = 0,
        CodecName = "h264",
        Width = 64,
        Height = 48,
        FramePts = [0, 40, 80],
        FrameRate = new Rational(25, 1),
        TimeBase = new Rational(1, 1000),
        PixelFormat = pixelFormat,
        BitDepth = bitDepth,
        Color = VideoColor.Describe(range, "bt709", "bt709", "bt709", pixelFormat, 48, chromaLocation),
        OtherStreams = [],
    };

    [Fact]
    public void The_source_planes_keep_its_range_and_chroma_siting()
    {
        var yuvj = FrameDecoder.SourcePlanes(Source("yuvj420p", 8, range: "pc", chromaLocation: "left"))!;
        var plain422 = FrameDecoder.SourcePlanes(Source("yuv422p10le", 10))!;

        Assert.Equal((PlaneLayout.Yuv420, ColorRange.Full, ChromaSiting.Left), (yuvj.Layout, yuvj.Range, yuvj.Siting));
        // Unstated siting is what a y4m stream of the same frames says: 420jpeg (centred), C422 (left).
        Assert.Equal(ChromaSiting.Left, plain422.Siting);
        Assert.Equal(ChromaSiting.Center, FrameDecoder.SourcePlanes(Source("yuv420p", 8))!.Siting);
        Assert.Null(FrameDecoder.SourcePlanes(Source("rgb24", 8)));
    }

    [Fact]
    public void Planes_are_decoded_with_the_range_unchanged_and_no_matrix()
    {
        var source = Source("yuvj420p", 8, range: "pc");
        var decoder = new FrameDecoder(source, FfmpegLocation.OnPath, RawVideoFormat.Planar(FrameDecoder.SourcePlanes(source)!));

        Assert.Equal(
            "-nostdin -v error -i file:/videos/in.mkv -map 0:0 -fps_mode passthrough " +
            "-vf scale=in_range=pc:out_range=pc:flags=bicubic+accurate_rnd+full_chroma_int,format=yuv420p -f rawvideo -pix_fmt yuv420p -",
            string.Join(' ', decoder.Arguments()));
    }

    [Fact]
    public void Planes_in_the_output_format_are_encoded_as_they_are_and_others_converted_in_the_same_range()
    {
        var source = Source("yuv422p10le", 10, chromaLocation: "left");
        var frames = RawVideoFormat.Planar(FrameDecoder.SourcePlanes(source)!);
        string same = string.Join(' ', new FrameEncoder(source, "/videos/out.mkv", new EncoderOptions(), "yuv422p10le", FfmpegLocation.OnPath, frames: frames).Arguments("/t.mkv"));
        string other = string.Join(' ', new FrameEncoder(source, "/videos/out.mkv", new EncoderOptions(), "yuv420p10le", FfmpegLocation.OnPath, frames: frames).Arguments("/t.mkv"));

        Assert.Contains("-filter:v:0 setsar=1/1 -pix_fmt:v:0 yuv422p10le -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv -chroma_sample_location:v:0 left ", same, StringComparison.Ordinal);
        Assert.Contains("-filter:v:0 scale=in_range=tv:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=yuv420p10le,setsar=1/1 -pix_fmt:v:0 yuv420p10le ", other, StringComparison.Ordinal);
    }

    /// <summary>
    /// The FourCCs must be the ones ffmpeg's raw decoder reads back (libavcodec/raw.c): planar frames
    /// written by <see cref="MatroskaFrameWriter"/> come out of ffmpeg byte for byte.
    /// </summary>
    [Theory]
    [InlineData(PlaneLayout.Yuv420, 8)]
    [InlineData(PlaneLayout.Yuv422, 8)]
    [InlineData(PlaneLayout.Yuv444, 8)]
    [InlineData(PlaneLayout.Gray, 8)]
    [InlineData(PlaneLayout.Yuv420, 10)]
    [InlineData(PlaneLayout.Yuv422, 12)]
    [InlineData(PlaneLayout.Yuv444, 16)]
    [InlineData(PlaneLayout.Gray, 10)]
    [Trait("Category", "Integration")]
    public async Task Planar_frames_in_matroska_reach_ffmpeg_unchanged(PlaneLayout layout, int bits)
    {
        var format = RawVideoFormat.Planar(new PlaneFormat(layout, bits));
        var random = new Random(bits * 10 + (int)layout);
        var frames = Enumerable.Range(0, 2).Select(i => format.Rent(18, 10, i, 40 * i)).ToList();
        foreach (var frame in frames)
        {
            random.NextBytes(frame.Memory.Span);
            if (bits > 8)
            {
                // Valid samples only: the low bits of each little-endian pair.
                var span = frame.Memory.Span;
                for (int i = 1; i < span.Length; i += 2)
                {
                    span[i] &= (byte)((1 << (bits - 8)) - 1);
                }
            }
        }
        byte[] expected = [.. frames.SelectMany(f => f.Memory.ToArray())];
        string raw = _temp.File("out.raw");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-nostdin", "-v", "error", "-f", "matroska", "-i", "-", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", format.FfmpegName, raw })
        {
            info.ArgumentList.Add(argument);
        }
        using (var process = Process.Start(info)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var writer = new MatroskaFrameWriter(process.StandardInput.BaseStream);
            foreach (var frame in frames)
            {
                await writer.WriteAsync(frame, frame.Pts!.Value * 1_000_000, CancellationToken.None);
            }
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stderr);
        }
        frames.ForEach(f => f.Dispose());

        Assert.Equal(expected, File.ReadAllBytes(raw));
    }

    private async Task<(VideoUpscaleResult Result, IReadOnlyList<VideoNote> Notes)> UpscaleAsync(string input, string? model)
    {
        var notes = new VideoNotes();
        var result = await VideoUpscaler.RunAsync(new VideoUpscaleRequest
        {
            Input = input,
            Output = _temp.File(Path.GetFileNameWithoutExtension(input) + "-2x.mkv"),
            Model = new ModelChoice(model, DeviceChoice.Cpu, new UpscaleOptions()),
            Encoder = new EncoderOptions { Codec = "ffv1" },
        }, notes, CancellationToken.None);
        return (result, notes.All);
    }

    private static string ModelNote(IReadOnlyList<VideoNote> notes) => Assert.Single(notes, n => n.Kind == VideoNoteKind.ModelReady).Text;

    [Fact]
    [Trait("Category", "Integration")]
    public async Task A_y_model_gets_the_planes_of_a_yuv_source_and_rgb_of_an_rgb_source()
    {
        string yuv = VideoClips.Plain(_temp, "yuv.mkv", 3, pixelFormat: "yuv444p");
        string rgb = _temp.File("rgb.mkv");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "3", "-c:v", "ffv1", "-pix_fmt", "bgr0", rgb);

        var (planar, planarNotes) = await UpscaleAsync(yuv, null);
        var (interleaved, rgbNotes) = await UpscaleAsync(rgb, null);

        Assert.EndsWith(", yuv444p planes", ModelNote(planarNotes), StringComparison.Ordinal);
        Assert.EndsWith(", rgb24 frames", ModelNote(rgbNotes), StringComparison.Ordinal);
        Assert.Equal((3L, 128, 96), (planar.Frames, planar.OutputWidth, planar.OutputHeight));
        Assert.Equal((3L, 128, 96), (interleaved.Frames, interleaved.OutputWidth, interleaved.OutputHeight));
    }

    /// <summary>An RGB model keeps the RGB path on a YUV source: converted with the source's matrix, and back.</summary>
    [Fact]
    [Trait("Category", "Integration")]
    public async Task An_rgb_model_goes_through_rgb()
    {
        var options = Presets.Get(Presets.SeRanetFast, channels: 3);
        TorchSharp.torch.manual_seed(3);
        string model = _temp.File("rgb.srnv");
        using (var network = new SplitSpliceNet("seranet", options))
        {
            ModelFile.Save(model, network, ModelFile.HeaderFor("rgb-test", options, ColorMode.Rgb));
        }
        string yuv = VideoClips.Plain(_temp, "yuv.mkv", 3, pixelFormat: "yuv420p10le");

        var (result, notes) = await UpscaleAsync(yuv, model);

        Assert.EndsWith(", rgb48le frames", ModelNote(notes), StringComparison.Ordinal);
        Assert.Equal((3L, 128, 96, "yuv420p10le"), (result.Frames, result.OutputWidth, result.OutputHeight, Processes.Probe(result.Source.Path.Replace("yuv.mkv", "yuv-2x.mkv", StringComparison.Ordinal), "pix_fmt")));
    }
}
