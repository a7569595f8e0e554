using SeRanet.Video.Upscaler.Inference.Planar;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler.Planar;

public class PlaneResamplerTests
{
    /// <summary>
    /// A chroma plane holding its own horizontal position in luma samples (a ramp) must, after a
    /// sited 2x upscale, hold each output sample's own position: bicubic reproduces straight lines,
    /// so any siting error shows up as an offset.
    /// </summary>
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void Sited_upscaling_keeps_chroma_where_its_siting_says(double offset)
    {
        const int chroma = 16;
        float[] ramp = [.. Enumerable.Range(0, chroma).Select(u => (float)(2 * u + offset))];
        using var x = torch.tensor(ramp, [1, 1, 1, chroma]);

        using var result = PlaneResampler.Resize(x, 1, 2 * chroma,
            _ => 0,
            i => PlaneResampler.SitedPosition(i, 2, offset, 2 * chroma, 4 * chroma));

        float[] values = result.data<float>().ToArray();
        for (int i = 3; i < 2 * chroma - 3; i++)
        {
            // Output chroma sample i sits at output luma 2i + offset, which is input luma (2i + offset + 0.5) / 2 - 0.5.
            double expected = (2 * i + offset + 0.5) / 2 - 0.5;
            Assert.True(Math.Abs(values[i] - expected) < 1e-4, $"sample {i}: {values[i]}, expected {expected}");
        }
    }

    /// <summary>
    /// Halving with co-sited output (output j samples input 2j, as RGB-model results go back to
    /// 4:2:0 mpeg2 chroma): an impulse at input 7 lies halfway between outputs 3 and 4, so they
    /// must see it equally, and the antialiased kernel's negative lobes reach outputs 2 and 5.
    /// </summary>
    [Fact]
    public void Halving_to_co_sited_samples_is_centred_on_each_sample()
    {
        float[] impulse = new float[16];
        impulse[7] = 1;
        using var x = torch.tensor(impulse, [1, 1, 1, 16]);

        using var result = PlaneResampler.Resize(x, 1, 8, _ => 0, j => 2 * j);

        float[] values = result.data<float>().ToArray();
        string all = string.Join(", ", values);
        Assert.True(values[3] == values[4] && values[3] > 0.25, all);
        Assert.True(values[2] == values[5] && values[2] < 0, all);
        Assert.Equal(0.5, values.Sum(), 4);
    }
}
