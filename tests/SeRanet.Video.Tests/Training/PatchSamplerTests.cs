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

    /// <summary>Mean absolute right and down step of the green plane over the pixels with both neighbours in the rectangle.</summary>
    private static double MeanStep(TrainingImage photo, int left, int top, int width, int height)
    {
        int lowWidth = photo.Width / 2, plane = lowWidth * (photo.Height / 2);
        byte[] low = photo.LowResolution[0];
        long sum = 0;
        for (int y = top; y < top + height - 1; y++)
        {
            for (int x = left; x < left + width - 1; x++)
            {
                int at = plane + y * lowWidth + x;
                sum += Math.Abs(low[at + 1] - low[at]) + Math.Abs(low[at + lowWidth] - low[at]);
            }
        }
        return sum / (2.0 * (width - 1) * (height - 1));
    }

    [Fact]
    public void A_crop_is_judged_flat_by_its_part_inside_the_photo()
    {
        var photo = Photo(40, 30, 3);
        var sampler = new PatchSampler([photo], Patch, Padding, ColorMode.Rgb, Degradations.None, 0);

        // Inside: the whole crop, as before edge crops existed.
        Assert.Equal(MeanStep(photo, 5, 7, LowSide, LowSide), sampler.Detail(photo, 5, 7), 12);
        // Past the top-left corner: only the inside part, so the repeated pixels (steps of 0) do not make it look flat.
        Assert.Equal(MeanStep(photo, 0, 0, LowSide - Padding, LowSide - Padding), sampler.Detail(photo, -Padding, -Padding), 12);
        // Past the bottom-right corner, the same.
        Assert.Equal(MeanStep(photo, 40 - LowSide + Padding, 30 - LowSide + Padding, LowSide - Padding, LowSide - Padding),
            sampler.Detail(photo, 40 - LowSide + Padding, 30 - LowSide + Padding), 12);
    }

    [Fact]
    public void Flat_edge_crops_drawn_again_are_edge_crops_again_so_the_share_holds()
    {
        // A flat band (a checkerboard of 100 and 101: steps of 1, and no two neighbouring lines
        // alike) 12 pixels wide round a detailed centre: every edge crop lies inside the band and is
        // flat, most plain crops are not. Every flat crop is drawn again (up to 8 times), so a
        // redraw that could turn into a plain crop would leave almost no edge crops.
        var photo = Photo(40, 30, 4);
        int lowWidth = 40, plane = lowWidth * 30;
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 30; y++)
            {
                for (int x = 0; x < lowWidth; x++)
                {
                    if (x < 12 || x >= 28 || y < 12 || y >= 18)
                    {
                        photo.LowResolution[0][c * plane + y * lowWidth + x] = (byte)(100 + (x + y) % 2);
                    }
                }
            }
        }
        var sampler = new PatchSampler([photo], Patch, Padding, ColorMode.Rgb, Degradations.None, 0, skipFlat: 1, edgeCrops: 0.5);

        var batch = sampler.NextBatch(new Random(5), 1000);

        Assert.InRange(Enumerable.Range(0, batch.Count).Count(i => HasRepeatedEdge(batch, i)), 400, 600);
    }
}
