using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Training.Metrics;

/// <summary>
/// BT.601 studio-range luma, the Y that super-resolution papers report PSNR on
/// (MATLAB's rgb2ycbcr): Y = 16 + 65.481 R + 128.553 G + 24.966 B, RGB in [0, 1], Y in [16, 235].
/// </summary>
public static class Luma
{
    public static float[] StudioY(ImagePlanes rgb)
    {
        if (rgb.Channels != 3)
        {
            throw new ArgumentException("Luma needs an RGB image.", nameof(rgb));
        }
        int n = rgb.PlaneSize;
        var y = new float[n];
        var r = rgb.Plane(0);
        var g = rgb.Plane(1);
        var b = rgb.Plane(2);
        for (int i = 0; i < n; i++)
        {
            y[i] = 16f + 65.481f * r[i] + 128.553f * g[i] + 24.966f * b[i];
        }
        return y;
    }
}
