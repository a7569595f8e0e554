using SeRanet.Video.Core.Media;
using SeRanet.Video.Plugin.Video.Segments;

namespace SeRanet.Video.Tests.Plugin;

/// <summary>Cutting a video into segments, sharing them among shards, and the timing of the join, without ffmpeg.</summary>
public class SegmentPlanTests
{
    [Fact]
    public void Segments_cover_every_frame_once_and_a_short_tail_joins_the_last()
    {
        var plan = SegmentPlan.Split(103, 25);
        var withTail = SegmentPlan.Split(116, 25);

        Assert.Equal([0L, 25, 50, 75], plan.Segments.Select(s => s.FirstFrame));
        Assert.Equal([25L, 25, 25, 28], plan.Segments.Select(s => s.FrameCount));
        Assert.Equal(103, plan.FrameCount);
        Assert.Equal([25L, 25, 25, 25, 16], withTail.Segments.Select(s => s.FrameCount));
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 7)]
    [InlineData(3, 5)]
    [InlineData(100, 8)]
    public void Shards_take_every_segment_exactly_once_in_runs(int segments, int shards)
    {
        var plan = SegmentPlan.Split(segments * 16L, 16);
        var taken = Enumerable.Range(0, shards).Select(k => new ShardChoice(k, shards).Select(plan.Segments)).ToList();

        Assert.Equal(plan.Segments, taken.SelectMany(share => share));
        Assert.All(taken, share => Assert.Equal(share.Count, share.Count == 0 ? 0 : share[^1].Index - share[0].Index + 1));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    public void A_shard_is_read_as_k_of_n(string text, int index, int count) =>
        Assert.Equal(new ShardChoice(index, count), ShardChoice.Parse(text));

    [Theory]
    [InlineData("3/3")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void A_shard_outside_its_count_is_refused(string text) => Assert.Null(ShardChoice.Parse(text));

    [Fact]
    public void Microseconds_round_half_away_from_zero_as_libavutil_does()
    {
        var tb = new Rational(1, 90000);
        Assert.Equal(6006, ChunkTimeline.ToTicks(66733, tb));
        Assert.Equal(-6006, ChunkTimeline.ToTicks(-66733, tb));
        Assert.Equal(66733, ChunkTimeline.ToMicroseconds(6006, tb));
        Assert.Equal(64000L * 3, ChunkTimeline.Convert(3000, new Rational(1, 1000), new Rational(1, 64000)));
        Assert.Null(ChunkTimeline.Convert(1, new Rational(1, 64000), new Rational(1, 1000)));
    }

    [Fact]
    public void The_join_list_places_every_chunk_at_its_own_time()
    {
        // A first chunk that NUT moved later by two frames (B-frame delay), then one at its own time.
        var first = new ChunkRecord(0, 0, 45, 1, "", "1/90000", 0, 6006, 66733);
        var second = new ChunkRecord(1, 45, 45, 1, "", "1/90000", 135135, 135135, 1501500);

        var (list, correction) = ChunkTimeline.Build([("chunk-00000.nut", first), ("chunk-00001.nut", second)]);

        Assert.Equal(0, correction);
        Assert.Equal("ffconcat version 1.0\nfile chunk-00000.nut\nduration 1.501500\nfile chunk-00001.nut\n", list);
    }

    private static JobSettings Settings => new()
    {
        InputName = "in.mkv", InputBytes = 1, InputModifiedUtc = DateTime.UnixEpoch, InputProbe = "p", Model = "m", ModelSha256 = "s",
        Scale = 2, Codec = "libx264", PixelFormat = "yuv420p", FramesPerSegment = 25,
    };

    /// <summary>
    /// Chunks made from RGB frames and from the source's planes round differently, so a work folder
    /// made on the other path (or before the path was recorded: empty) starts again instead of mixing them.
    /// </summary>
    [Fact]
    public void The_frames_given_to_the_model_are_part_of_a_chunk_s_settings()
    {
        var planar = Settings with { Frames = "yuv420p planes" };

        Assert.Empty(planar.Differences(planar with { }));
        Assert.Equal(["frames to the model"], planar.Differences(planar with { Frames = "rgb24 frames" }));
        Assert.Equal(["frames to the model"], planar.Differences(planar with { Frames = "" }));
    }

    /// <summary>bf16 and fp32 chunks, or chunks with and without --tta, differ in their pictures and must not be joined.</summary>
    [Fact]
    public void Precision_and_tta_are_part_of_a_chunk_s_settings()
    {
        var fp32 = Settings with { Precision = "fp32" };

        Assert.Equal(["precision"], fp32.Differences(fp32 with { Precision = "bf16" }));
        Assert.Equal(["precision"], fp32.Differences(fp32 with { Precision = "" }));
        Assert.Equal(["tta"], fp32.Differences(fp32 with { Tta = true }));
    }
}
