using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Video;

namespace SeRanet.Video.Tests.Video;

/// <summary>The exact ffmpeg command lines and the pure pieces of the video pipeline; no ffmpeg runs.</summary>
public class VideoArgumentsTests
{
    private static VideoInfo Source(VideoColor? color = null, int rotation = 0, IReadOnlyList<StreamSummary>? others = null) => new()
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
        PixelFormat = "yuv420p",
        BitDepth = 8,
        Color = color ?? VideoColor.Describe("tv", "bt709", "bt709", "bt709", "yuv420p", 48),
        Rotation = rotation,
        OtherStreams = others ?? [new StreamSummary(1, "audio", "aac"), new StreamSummary(2, "subtitle", "subrip")],
    };

    [Fact]
    public void Decoder_converts_with_the_source_matrix_and_range_and_keeps_every_frame()
    {
        var decoder = new FrameDecoder(Source(), FfmpegLocation.OnPath);

        Assert.Equal(
            "-nostdin -v error -i file:/videos/in.mkv -map 0:0 -fps_mode passthrough " +
            "-vf scale=in_color_matrix=bt709:in_range=tv:out_range=pc:flags=bicubic+accurate_rnd+full_chroma_int,format=rgb24 " +
            "-f rawvideo -pix_fmt rgb24 -",
            string.Join(' ', decoder.Arguments()));
    }

    [Fact]
    public void Deep_sources_decode_to_16_bit_rgb()
    {
        var decoder = new FrameDecoder(Source() with { PixelFormat = "yuv420p10le", BitDepth = 10 }, FfmpegLocation.OnPath);

        Assert.Equal(PixelFormat.Rgb48, decoder.Output.Interleaved);
        Assert.EndsWith("format=rgb48le -f rawvideo -pix_fmt rgb48le -", string.Join(' ', decoder.Arguments()), StringComparison.Ordinal);
    }

    [Fact]
    public void Encoder_copies_the_other_streams_and_tags_and_keeps_timestamps()
    {
        var encoder = new FrameEncoder(Source(rotation: -90), "/videos/out.mkv", new EncoderOptions(), "yuv420p", FfmpegLocation.OnPath);

        Assert.Equal(
            "-nostdin -v error -copyts -f matroska -i - -i file:/videos/in.mkv -map 0:v:0 -map 1:1 -map 1:2 " +
            "-map_metadata 1 -map_chapters 1 -map_metadata:s:0 1:s:0 -map_metadata:s:1 1:s:1 -map_metadata:s:2 1:s:2 -c copy -c:v:0 libx264 -crf 18 " +
            "-filter:v:0 scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=yuv420p,setsar=1/1 -pix_fmt:v:0 yuv420p " +
            "-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv " +
            "-fps_mode:v:0 passthrough -enc_time_base:v:0 1/1000 file:/videos/.out.partial.mkv",
            string.Join(' ', encoder.Arguments("/videos/.out.partial.mkv")));
    }

    [Fact]
    public void A_chunk_is_the_video_alone_encoded_the_same_way_with_fixed_threads_in_nut()
    {
        var encoder = new FrameEncoder(Source(), "/videos/out.mkv", new EncoderOptions(), "yuv420p", FfmpegLocation.OnPath);

        Assert.Equal(
            "-nostdin -v error -copyts -f matroska -i - -map 0:v:0 -c:v:0 libx264 -crf 18 " +
            "-filter:v:0 scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=yuv420p,setsar=1/1 -pix_fmt:v:0 yuv420p " +
            "-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv " +
            "-fps_mode:v:0 passthrough -enc_time_base:v:0 1/1000 -threads 8 -f nut file:/work/.chunk-00000.partial.nut",
            string.Join(' ', encoder.ChunkArguments("/work/.chunk-00000.partial.nut")));
    }

    [Fact]
    public void The_join_copies_the_chunks_and_muxes_the_other_streams_as_a_one_pass_run_does()
    {
        var encoder = new FrameEncoder(Source(), "/videos/out.mkv", new EncoderOptions(), "yuv420p", FfmpegLocation.OnPath);

        Assert.Equal(
            "-nostdin -v error -copyts -f concat -safe 0 -i file:/work/join.ffconcat -i file:/videos/in.mkv -map 0:v:0 -map 1:1 -map 1:2 " +
            "-map_metadata 1 -map_chapters 1 -map_metadata:s:0 1:s:0 -map_metadata:s:1 1:s:1 -map_metadata:s:2 1:s:2 -c copy -c:v:0 copy " +
            "-bsf:v:0 setts=pts=PTS-3:dts=DTS-3 file:/videos/.out.partial.mkv",
            string.Join(' ', encoder.JoinArguments("/work/join.ffconcat", -3, "/videos/.out.partial.mkv")));
        Assert.DoesNotContain("setts", string.Join(' ', encoder.JoinArguments("/work/join.ffconcat", 0, "/t.mkv")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_quarter_turned_source_is_stored_upright_with_its_pixel_aspect_turned_too()
    {
        var source = Source(rotation: 90) with { SampleAspectRatio = new Rational(4, 3) };

        var encoder = new FrameEncoder(source, "/videos/out.mkv", new EncoderOptions(), "yuv420p", FfmpegLocation.OnPath);

        Assert.Equal((48, 64), (source.UprightWidth, source.UprightHeight));
        Assert.Contains("setsar=3/4", string.Join(' ', encoder.Arguments("/t.mkv")), StringComparison.Ordinal);
        Assert.DoesNotContain("rotate", string.Join(' ', encoder.Arguments("/t.mkv")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_starting_before_zero_is_moved_later_with_all_its_streams()
    {
        var source = Source() with { FramePts = [-80, -40, 0, 40] };

        string line = string.Join(' ', new FrameEncoder(source, "/videos/out.mkv", new EncoderOptions(), "yuv420p", FfmpegLocation.OnPath).Arguments("/t.mkv"));

        Assert.Contains("-f matroska -i - -itsoffset 0.08 -i file:/videos/in.mkv", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoder_passes_codec_quality_preset_and_extra_arguments()
    {
        var options = new EncoderOptions { Codec = "libvpx-vp9", Crf = 30, Preset = "good", ExtraArguments = ["-row-mt", "1", "-metadata", "title=a b"] };
        var encoder = new FrameEncoder(Source(), "/videos/out.webm", options, "yuv420p", FfmpegLocation.OnPath);

        string line = string.Join(' ', encoder.Arguments("/videos/t.webm"));

        Assert.Contains("-c:v:0 libvpx-vp9 -crf 30 -b:v 0 -preset good", line, StringComparison.Ordinal);
        Assert.EndsWith("-row-mt 1 -metadata title=a b file:/videos/t.webm", line, StringComparison.Ordinal);
        // WebM holds neither AAC nor SubRip untouched: they are converted, not lost.
        Assert.Contains("-map 1:1 -map 1:2", line, StringComparison.Ordinal);
        Assert.Contains("-c:1 libopus -c:2 webvtt", line, StringComparison.Ordinal);
        Assert.Empty(encoder.DroppedStreams);
    }

    [Fact]
    public void Encoder_refuses_to_write_over_its_input()
    {
        Assert.Throws<ArgumentException>(() => new FrameEncoder(Source(), "/videos/in.mkv", new EncoderOptions(), "yuv420p", FfmpegLocation.OnPath));
    }

    [Theory]
    [InlineData(".mkv", "audio,subtitle,attachment", "", "data")]
    [InlineData(".mp4", "audio,subtitle", "2:mov_text", "attachment,data")]
    [InlineData(".webm", "audio,subtitle", "1:libopus 2:webvtt", "attachment,data")]
    [InlineData(".avi", "audio", "", "subtitle,attachment,data")]
    public void Streams_are_copied_converted_where_the_container_needs_it_or_listed_as_dropped(string extension, string kinds, string conversions, string dropped)
    {
        StreamSummary[] streams = [new(1, "audio", "aac"), new(2, "subtitle", "subrip"), new(3, "attachment", "ttf"), new(4, "data", "bin_data")];

        var selection = CopiedStreams.Select(streams, "out" + extension);

        Assert.Equal(kinds, string.Join(',', selection.Carried.Select(s => s.Kind)));
        Assert.Equal(conversions, string.Join(' ', selection.Conversions.Select(c => $"{c.Key}:{c.Value}")));
        Assert.Equal(dropped, string.Join(',', selection.Dropped.Select(s => s.Kind)));
    }

    [Theory]
    [InlineData(".mkv", "2")]
    [InlineData(".mp4", "2")]
    [InlineData(".mov", "2")]
    [InlineData(".webm", "")]
    public void Cover_art_is_carried_where_the_container_takes_it_and_a_second_video_is_not(string extension, string carried)
    {
        StreamSummary[] streams = [new(2, "video", "png") { AttachedPicture = true }, new(3, "video", "h264")];

        var selection = CopiedStreams.Select(streams, "out" + extension);

        Assert.Equal(carried, string.Join(',', selection.Carried.Select(s => s.Index)));
        Assert.Contains(selection.Dropped, s => s.Index == 3);
    }

    [Fact]
    public void Streams_that_would_be_lost_stop_the_job_unless_dropping_them_is_allowed()
    {
        var source = Source() with { OtherStreams = [new(1, "audio", "aac"), new(2, "video", "h264")] };

        var error = Assert.Throws<StreamsNotCarriedException>(() => new FrameEncoder(source, "/videos/out.mkv", new EncoderOptions(), "yuv420p", FfmpegLocation.OnPath));
        Assert.Contains("stream 2 (video h264)", error.Message, StringComparison.Ordinal);
        Assert.Contains("only the first video stream is upscaled", error.Message, StringComparison.Ordinal);

        var dropping = new FrameEncoder(source, "/videos/out.mkv", new EncoderOptions { DropUnsupportedStreams = true }, "yuv420p", FfmpegLocation.OnPath);
        Assert.Equal([2], dropping.DroppedStreams.Select(s => s.Index));
    }

    [Theory]
    [InlineData("yuv420p", 8, "yuv420p")]
    [InlineData("yuvj420p", 8, "yuv420p")]
    [InlineData("yuv420p10le", 10, "yuv420p10le")]
    [InlineData("yuv422p", 8, "yuv422p")]
    [InlineData("gbrp", 8, "yuv444p")]
    [InlineData("rgb48be", 16, "yuv444p12le")]
    public void The_default_output_format_keeps_subsampling_and_depth(string source, int depth, string expected)
    {
        Assert.Equal(expected, OutputPixelFormat.ForSource(source, depth));
    }

    [Fact]
    public void An_unsupported_format_falls_back_to_the_same_depth_at_420()
    {
        Assert.Equal("yuv420p10le", OutputPixelFormat.Supported("yuv444p10le", ["yuv420p", "yuv420p10le"]));
        Assert.Equal("yuv420p", OutputPixelFormat.Supported("yuv422p", ["yuv420p", "yuv420p10le"]));
        Assert.Equal("yuv422p", OutputPixelFormat.Supported("yuv422p", []));
    }

    [Fact]
    public void Encoder_help_lists_pixel_formats()
    {
        const string Help = "Encoder libx264 [libx264 H.264]:\n    Supported pixel formats: yuv420p yuvj420p yuv420p10le\nlibx264 AVOptions:";

        Assert.Equal(["yuv420p", "yuvj420p", "yuv420p10le"], EncoderCapabilities.ParsePixelFormats(Help));
    }

    [Theory]
    [InlineData(1, 1, 15360, 65104)]
    [InlineData(3, 1, 90000, 33333)]
    [InlineData(40, 1, 1000, 40_000_000)]
    [InlineData(1001, 1, 30000, 33_366_667)]
    public void Timestamps_become_rounded_nanoseconds(long pts, long numerator, long denominator, long expected)
    {
        Assert.Equal(expected, MatroskaFrameWriter.ToNanoseconds(pts, numerator, denominator));
    }

    [Fact]
    public void Nanoseconds_round_trip_to_the_same_tick_for_long_videos()
    {
        // Ten hours at a 1/90000 time base: the product overflows 64 bits, the result must not.
        long pts = 10L * 3600 * 90000 + 7;
        long ns = MatroskaFrameWriter.ToNanoseconds(pts, 1, 90000);
        Assert.Equal(pts, (long)Math.Round(ns * 90000 / 1e9));
    }

    [Fact]
    public void The_matroska_header_names_the_raw_layout_ffmpeg_maps_to_rgb()
    {
        byte[] header = MatroskaFrameWriter.Header(64, 48, PixelFormat.Rgb48);

        Assert.Equal(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }, header[..4]);
        Assert.True(Contains(header, [0x2E, 0xB5, 0x24, 0x01, 0, 0, 0, 0, 0, 0, 4, (byte)'R', (byte)'G', (byte)'B', 48]));
        Assert.True(Contains(header, "V_UNCOMPRESSED"u8.ToArray()));
    }

    [Fact]
    public void Probe_json_becomes_video_info()
    {
        const string Json = """
        {"streams":[
          {"index":0,"codec_name":"mjpeg","codec_type":"video","width":300,"height":300,"pix_fmt":"yuvj420p","disposition":{"attached_pic":1}},
          {"index":1,"codec_name":"hevc","codec_type":"video","width":1920,"height":1080,"pix_fmt":"yuv420p10le","r_frame_rate":"24000/1001",
           "time_base":"1/16000","sample_aspect_ratio":"4:3","color_range":"tv","color_space":"bt2020nc","color_primaries":"bt2020","color_transfer":"smpte2084",
           "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]},
          {"index":2,"codec_name":"opus","codec_type":"audio"}],
         "format":{"format_name":"matroska,webm","duration":"12.500000"}}
        """;

        var info = VideoProbe.Parse("a.mkv", Json);

        Assert.Equal(1, info.StreamIndex);
        Assert.Equal((1920, 1080, 10), (info.Width, info.Height, info.BitDepth));
        Assert.Equal(new Rational(24000, 1001), info.FrameRate);
        Assert.Equal(new Rational(1, 16000), info.TimeBase);
        Assert.Equal(new Rational(4, 3), info.SampleAspectRatio);
        Assert.Equal(-90, info.Rotation);
        Assert.Equal(12.5, info.DurationSeconds);
        Assert.Equal(("bt2020", false, "smpte2084"), (info.Color.Matrix, info.Color.FullRange, info.Color.Transfer));
        Assert.Equal([0, 2], info.OtherStreams.Select(s => s.Index));
    }

    [Theory]
    [InlineData(null, null, "yuv420p", 480, "bt601", false)]
    [InlineData(null, null, "yuv420p", 1080, "bt709", false)]
    [InlineData(null, "smpte170m", "yuvj420p", 1080, "bt601", true)]
    [InlineData("pc", "bt709", "yuv420p", 480, "bt709", true)]
    public void Untagged_colour_is_read_the_way_players_read_it(string? range, string? space, string pixelFormat, int height, string matrix, bool fullRange)
    {
        var color = VideoColor.Describe(range, space, null, null, pixelFormat, height);

        Assert.Equal((matrix, fullRange), (color.Matrix, color.FullRange));
    }

    private static bool Contains(byte[] haystack, byte[] needle) =>
        Enumerable.Range(0, haystack.Length - needle.Length + 1).Any(i => haystack.AsSpan(i, needle.Length).SequenceEqual(needle));

    [Fact]
    public void Packet_list_keeps_the_primary_streams_timestamps_and_drops_discarded_packets()
    {
        // ffprobe -select_streams v -show_entries packet=stream_index,pts,flags -of csv=p=0
        const string csv = "1,0,K__\n0,-1024,_D_\n0,512,K__\n1,3600,___\n0,1024,___\n0,N/A,___\n";

        var pts = VideoProbe.ParsePacketPts(csv, streamIndex: 0);

        Assert.Equal([512L, 1024L, null], pts);
    }

    [Theory]
    [InlineData("yuv420p", null, 8)]
    [InlineData("rgb24", null, 8)]
    [InlineData("pal8", null, 8)]
    [InlineData("yuv420p10le", null, 10)]
    [InlineData("gbrap12be", null, 12)]
    [InlineData("gray10le", null, 10)]
    [InlineData("gray16be", null, 16)]
    [InlineData("ya16be", null, 16)]
    [InlineData("p010le", null, 10)]
    [InlineData("rgb48be", null, 16)]
    [InlineData("rgba64le", null, 16)]
    [InlineData("grayf32le", null, 16)]
    [InlineData("yuv420p", 10, 10)]
    [InlineData("rgb24", 8, 8)]
    public void One_bit_depth_rule_serves_images_and_video(string pixelFormat, int? bitsPerRawSample, int expected) =>
        Assert.Equal(expected, VideoProbe.BitDepthOf(pixelFormat, bitsPerRawSample));
}
