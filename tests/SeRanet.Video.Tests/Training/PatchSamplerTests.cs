using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Training;

/// <summary>Training crops: aligned pairs, and edge crops padded as inference pads an image.</summary>
public class PatchSamplerTests
{
    private const int Patch = 6;
    private const int Padding = 3;
    private const int LowSide = Patch + 2 * Padding;

    /// <summary>
    /// Random low-resolution pixels and a high resolution that repeats each of them 2x2, so a
    /// high-resolution crop can be checked against the low-resolution crop it was cut beside.
    /// </summary>
    private static TrainingImage Photo(int lowWidth, int lowHeight, int seed)
    {
        var random = new Random(seed);
        var low = new byte[3 * lowWidth * lowHeight];
        random.NextBytes(low);
        int width = 2 * lowWidth, height = 2 * lowHeight;
        var high = new byte[3 * width * height];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    high[(c * height + y) * width + x] = low[(c * lowHeight + y / 2) * lowWidth + x / 2];
                }
            }
        }
        return new TrainingImage("random", width, height, high, [low]);
    }

    private static TrainingBatch Batch(double edgeCrops, int count = 400)
    {
        var sampler = new PatchSampler([Photo(40, 30, 1)], Patch, Padding, ColorMode.Rgb, Degradations.None, 0, skipFlat: 0, edgeCrops: edgeCrops);
        return sampler.NextBatch(new Random(2), count);
    }

    private static float Low(TrainingBatch batch, int i, int c, int x, int y) =>
        batch.Low[((i * 3 + c) * LowSide + y) * LowSide + x];

    private static float High(TrainingBatch batch, int i, int c, int x, int y) =>
        batch.High[((i * 3 + c) * batch.HighSide + y) * batch.HighSide + x];

    /// <summary>Whether the crop's outermost two rows or columns on some side are equal: repeated edge pixels.</summary>
    private static bool HasRepeatedEdge(TrainingBatch batch, int i)
    {
        bool Columns(int a, int b) => Enumerable.Range(0, 3).All(c => Enumerable.Range(0, LowSide).All(y => Low(batch, i, c, a, y) == Low(batch, i, c, b, y)));
        bool Rows(int a, int b) => Enumerable.Range(0, 3).All(c => Enumerable.Range(0, LowSide).All(x => Low(batch, i, c, x, a) == Low(batch, i, c, x, b)));
        int last = LowSide - 1;
        return Columns(0, 1) || Columns(last, last - 1) || Rows(0, 1) || Rows(last, last - 1);
    }

    private static void AssertAligned(TrainingBatch batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int v = 0; v < batch.HighSide; v++)
                {
                    for (int u = 0; u < batch.HighSide; u++)
                    {
                        Assert.Equal(Low(batch, i, c, Padding + u / 2, Padding + v / 2), High(batch, i, c, u, v));
                    }
                }
            }
        }
    }

    [Fact]
    public void Plain_crops_keep_their_context_inside_the_photo()
    {
        var batch = Batch(edgeCrops: 0);
        AssertAligned(batch);
        Assert.DoesNotContain(Enumerable.Range(0, batch.Count), i => HasRepeatedEdge(batch, i));
    }

    [Fact]
    public void Edge_crops_repeat_the_photo_s_edge_past_it_and_stay_aligned()
    {
        var batch = Batch(edgeCrops: 1);
        AssertAligned(batch);
        Assert.All(Enumerable.Range(0, batch.Count), i => Assert.True(HasRepeatedEdge(batch, i), $"crop {i} does not reach past the photo's edge"));
    }

    [Fact]
    public void Some_crops_are_edge_crops_in_the_proportion_asked()
    {
        var batch = Batch(edgeCrops: 0.25, count: 2000);
        int edges = Enumerable.Range(0, batch.Count).Count(i => HasRepeatedEdge(batch, i));
        Assert.InRange(edges, 400, 600);
    }

    [Fact]
    public void A_crop_against_the_edge_is_judged_flat_by_the_part_inside_the_photo()
    {
        var photo = Photo(40, 30, 3);
        var sampler = new PatchSampler([photo], Patch, Padding, ColorMode.Rgb, Degradations.None, 0);
        // Past the top-left corner: only the inside part counts, so the repeated pixels (steps of 0) do not make it look flat.
        double corner = sampler.Detail(photo, -Padding, -Padding);
        double inside = sampler.Detail(photo, 0, 0);
        Assert.InRange(corner, 0.7 * inside, 1.3 * inside);
    }
}
