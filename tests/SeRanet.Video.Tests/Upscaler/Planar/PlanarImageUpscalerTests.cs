using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Inference.Planar;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler.Planar;

/// <summary>The RGB-model path (no shipped model takes it), with an untrained RGB network.</summary>
public class PlanarImageUpscalerTests
{
    private const int Width = 16;
    private const int Height = 12;

    private static ImageUpscaler RgbUpscaler()
    {
        torch.manual_seed(7);
        var architecture = Presets.Get(Presets.SeRanetFast, 3);
        var model = new LoadedModel(ModelFile.HeaderFor("rgb", architecture, ColorMode.Rgb), ArchitectureRegistry.Build(architecture));
        return ImageUpscaler.Open(model, torch.CPU, new UpscaleOptions());
    }

    /// <summary>
    /// 4:4:4 full-range BT.709 YCbCr through an RGB model must equal the same picture given as
    /// planar RGB (converted here with the BT.709 equations), once its result is converted back
    /// the same way: that pins the matrix and the range handling.
    /// </summary>
    [Fact]
    public void An_rgb_model_sees_the_same_rgb_whether_given_yuv_or_rgb()
    {
        var random = new Random(11);
        int n = Width * Height;
        byte[] r = new byte[n], g = new byte[n], b = new byte[n];
        byte[] y = new byte[n], cb = new byte[n], cr = new byte[n];
        const double kr = 0.2126, kb = 0.0722, kg = 1 - kr - kb;
        for (int i = 0; i < n; i++)
        {
            // Smooth, in-gamut colours, so the 8-bit YCbCr codes go back to nearly the same RGB.
            double red = 0.5 + 0.3 * Math.Sin(i * 0.3), green = 0.5 + 0.3 * Math.Cos(i * 0.2), blue = 0.4 + 0.2 * random.NextDouble();
            double luma = kr * red + kg * green + kb * blue;
            y[i] = Code(luma);
            cb[i] = Code((blue - luma) / (2 * (1 - kb)) + 128.0 / 255);
            cr[i] = Code((red - luma) / (2 * (1 - kr)) + 128.0 / 255);
            double yv = y[i] / 255.0, cbv = (cb[i] - 128) / 255.0, crv = (cr[i] - 128) / 255.0;
            r[i] = Code(yv + 2 * (1 - kr) * crv);
            b[i] = Code(yv + 2 * (1 - kb) * cbv);
            g[i] = Code((yv - kr * (yv + 2 * (1 - kr) * crv) - kb * (yv + 2 * (1 - kb) * cbv)) / kg);
        }
        var yuvFormat = new PlaneFormat(PlaneLayout.Yuv444) { Range = ColorRange.Full, Matrix = YuvMatrix.Bt709 };
        var rgbFormat = new PlaneFormat(PlaneLayout.Rgb) { Range = ColorRange.Full };
        using var upscaler = RgbUpscaler();
        var planar = new PlanarImageUpscaler(upscaler);
        var yuvOut = Picture(yuvFormat, 2 * Width, 2 * Height, out var yuvPlanes);
        var rgbOut = Picture(rgbFormat, 2 * Width, 2 * Height, out var rgbPlanes);

        planar.Upscale([Picture(yuvFormat, Width, Height, y, cb, cr)], [yuvOut]);
        planar.Upscale([Picture(rgbFormat, Width, Height, r, g, b)], [rgbOut]);

        int worst = 0;
        for (int i = 0; i < 4 * n; i++)
        {
            double yv = yuvPlanes[0][i] / 255.0, cbv = (yuvPlanes[1][i] - 128) / 255.0, crv = (yuvPlanes[2][i] - 128) / 255.0;
            double red = yv + 2 * (1 - kr) * crv, blue = yv + 2 * (1 - kb) * cbv;
            double green = (yv - kr * red - kb * blue) / kg;
            worst = Math.Max(worst, Math.Abs(Code(red) - rgbPlanes[0][i]));
            worst = Math.Max(worst, Math.Abs(Code(green) - rgbPlanes[1][i]));
            worst = Math.Max(worst, Math.Abs(Code(blue) - rgbPlanes[2][i]));
        }
        Assert.True(worst <= 4, $"the YUV path's RGB differs from the RGB path's by up to {worst} levels");
    }

    private static byte Code(double value) => (byte)Math.Clamp(Math.Round(value * 255), 0, 255);

    private static PlanarImage Picture(PlaneFormat format, int width, int height, params byte[][] planes) =>
        new(width, height, format, [.. planes.Select(p => new Plane(p, width))]);

    private static PlanarImage Picture(PlaneFormat format, int width, int height, out byte[][] planes)
    {
        planes = [new byte[width * height], new byte[width * height], new byte[width * height]];
        return Picture(format, width, height, planes);
    }
}
