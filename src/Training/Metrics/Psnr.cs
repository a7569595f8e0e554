using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Training.Metrics;

/// <summary>Peak signal-to-noise ratio, in dB.</summary>
public static class Psnr
{
    /// <summary>PSNR of two equal-length signals with the given peak value.</summary>
    public static double Of(ReadOnlySpan<float> reference, ReadOnlySpan<float> test, double peak)
    {
        if (reference.Length != test.Length || reference.Length == 0)
        {
            throw new ArgumentException("PSNR needs two non-empty signals of the same length.");
        }
        double sum = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = (double)reference[i] - test[i];
            sum += d * d;
        }
        double mse = sum / reference.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse);
    }

    /// <summary>PSNR on BT.601 studio-range Y (peak 255) with <paramref name="shave"/> pixels cut from every border.</summary>
    public static double Luma(ImagePlanes reference, ImagePlanes test, int shave)
    {
        var (a, b) = (Shave(reference, shave), Shave(test, shave));
        return Of(Metrics.Luma.StudioY(a), Metrics.Luma.StudioY(b), 255);
    }

    /// <summary>PSNR over all RGB values (peak 1) with <paramref name="shave"/> pixels cut from every border.</summary>
    public static double Rgb(ImagePlanes reference, ImagePlanes test, int shave) =>
        Of(Shave(reference, shave).Data, Shave(test, shave).Data, 1);

    internal static ImagePlanes Shave(ImagePlanes image, int shave)
    {
        if (image.Width <= 2 * shave || image.Height <= 2 * shave)
        {
            throw new ArgumentException($"A {image.Width}x{image.Height} image is too small to shave {shave} px.");
        }
        return shave == 0 ? image : image.Crop(shave, shave, image.Width - 2 * shave, image.Height - 2 * shave);
    }
}
