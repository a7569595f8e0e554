using SeRanet.Video.Training.Metrics;
using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Tests.Training;

public class MetricsTests
{
    [Fact]
    public void Psnr_matches_the_hand_computed_value()
    {
        // One of four values off by 0.1: MSE = 0.01 / 4 = 0.0025, PSNR = 10 log10(1 / 0.0025) = 26.0206 dB.
        float[] reference = [0.5f, 0.5f, 0.5f, 0.5f];
        float[] test = [0.5f, 0.5f, 0.5f, 0.6f];

        Assert.Equal(26.0206, Psnr.Of(reference, test, 1), 3);
        Assert.Equal(double.PositiveInfinity, Psnr.Of(reference, reference, 1));
    }

    [Fact]
    public void Studio_luma_maps_black_and_white_to_16_and_235()
    {
        var image = new ImagePlanes(3, 1, 2, [0f, 1f, 0f, 1f, 0f, 1f]);

        float[] y = Luma.StudioY(image);

        Assert.Equal(16f, y[0], 3);
        Assert.Equal(235f, y[1], 3);
    }

    [Fact]
    public void Ssim_of_an_image_with_itself_is_one()
    {
        var random = new Random(5);
        float[] image = Enumerable.Range(0, 32 * 32).Select(_ => (float)random.NextDouble() * 255).ToArray();

        Assert.Equal(1.0, Ssim.Of(image, image, 32, 32, 255), 9);
    }

    [Fact]
    public void Ssim_of_two_flat_images_matches_the_formula()
    {
        // Flat a and b: variances and covariance are 0, so SSIM = (2ab + C1) / (a^2 + b^2 + C1).
        const double a = 100, b = 120, c1 = 0.01 * 255 * 0.01 * 255;
        float[] x = Enumerable.Repeat((float)a, 16 * 16).ToArray();
        float[] y = Enumerable.Repeat((float)b, 16 * 16).ToArray();

        Assert.Equal((2 * a * b + c1) / (a * a + b * b + c1), Ssim.Of(x, y, 16, 16, 255), 6);
    }

    [Theory]
    [InlineData(ResizeKernel.Bicubic)]
    [InlineData(ResizeKernel.Lanczos3)]
    public void Resizing_a_flat_image_keeps_it_flat(ResizeKernel kernel)
    {
        var flat = new ImagePlanes(3, 9, 13, Enumerable.Repeat(0.25f, 3 * 9 * 13).ToArray());

        var down = Resampler.Resize(flat, 6, 4, kernel);
        var up = Resampler.Resize(flat, 26, 18, kernel);

        Assert.All(down.Data, v => Assert.Equal(0.25f, v, 5));
        Assert.All(up.Data, v => Assert.Equal(0.25f, v, 5));
    }

    [Fact]
    public void Antialiased_halving_of_a_one_pixel_checkerboard_is_grey()
    {
        // Without antialiasing a 2x decimation of a 1-px checkerboard aliases to black or white.
        var checker = new ImagePlanes(1, 16, 16);
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                checker[0, y, x] = (x + y) % 2;
            }
        }

        var half = Resampler.Downscale(checker, 2);

        Assert.All(half.Crop(2, 2, 4, 4).Data, v => Assert.Equal(0.5f, v, 2));
    }
}
