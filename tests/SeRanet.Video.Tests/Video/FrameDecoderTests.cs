using SeRanet.Video.Core.Ffmpeg;
using System.Threading.Channels;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Video;

/// <summary>Probing and decoding in-process against real ffmpeg.</summary>
[Trait("Category", "Integration")]
public class FrameDecoderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task<List<(long Index, long? Pts, int Width, int Height, PixelFormat Format, byte First)>> DecodeAsync(FrameDecoder decoder)
    {
        var channel = Channel.CreateBounded<Frame>(2);
        var running = decoder.RunAsync(channel.Writer, CancellationToken.None);
        var frames = new List<(long, long?, int, int, PixelFormat, byte)>();
        await foreach (var frame in channel.Reader.ReadAllAsync())
        {
            using (frame)
            {
                frames.Add((frame.Index, frame.Pts, frame.Width, frame.Height, frame.Format, frame.Data[0]));
            }
        }
        await running;
        return frames;
    }

    [Fact]
    public async Task Probe_counts_frames_and_the_decoder_gives_each_its_timestamp()
    {
        string clip = VideoClips.WithAudioAndSubtitles(_temp, frames: 6);

        var info = await VideoProbe.ProbeAsync(clip, FfmpegLocation.OnPath);
        var frames = await DecodeAsync(new FrameDecoder(info, FfmpegLocation.OnPath));

        Assert.Equal((64, 48, 8, "yuv420p"), (info.Width, info.Height, info.BitDepth, info.PixelFormat));
        Assert.Equal(6, info.FrameCount);
        Assert.Equal(["audio", "subtitle"], info.OtherStreams.Select(s => s.Kind));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), frames.Select(f => f.Index));
        Assert.Equal(info.FramePts.Select(p => (long?)p), frames.Select(f => f.Pts));
        Assert.All(frames, f => Assert.Equal((64, 48, PixelFormat.Rgb24), (f.Width, f.Height, f.Format)));
    }

    [Fact]
    public async Task A_range_starts_at_the_wanted_frame()
    {
        string clip = VideoClips.Ramp(_temp, 10);
        var info = await VideoProbe.ProbeAsync(clip, FfmpegLocation.OnPath);

        var frames = await DecodeAsync(new FrameDecoder(info, FfmpegLocation.OnPath, firstFrame: 6, frameCount: 3));

        Assert.Equal([6L, 7L, 8L], frames.Select(f => f.Index));
        // Limited-range Y = 16 + 8n becomes full-range grey 8n * 255 / 219.
        Assert.Equal([56, 65, 75], frames.Select(f => (int)f.First));
    }

    [Fact]
    public async Task Ten_bit_video_decodes_to_16_bit_rgb()
    {
        string clip = VideoClips.Plain(_temp, "deep.mkv", 2, pixelFormat: "yuv420p10le");
        var info = await VideoProbe.ProbeAsync(clip, FfmpegLocation.OnPath);

        var frames = await DecodeAsync(new FrameDecoder(info, FfmpegLocation.OnPath));

        Assert.Equal(10, info.BitDepth);
        Assert.All(frames, f => Assert.Equal(PixelFormat.Rgb48, f.Format));
    }
}
