using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference.Planar;

/// <summary>
/// Upscales planar pictures (gray, YUV 4:2:0/4:2:2/4:4:4, planar RGB; 8 to 16 bits) with an
/// <see cref="ImageUpscaler"/>, writing into pictures the caller provides. A Y model gets the
/// luma plane as it is (range-expanded to [0, 1]) and chroma is resampled bicubically with its
/// siting kept: no RGB round trip, so no matrix is involved. An RGB model gets RGB made with the
/// format's matrix and range, and its result goes back the same way. Planar RGB input goes
/// through <see cref="ImageUpscaler.UpscaleTensor"/>, as interleaved frames do.
/// Not thread-safe (torch dispose scopes are per thread); one caller at a time.
/// </summary>
public sealed class PlanarImageUpscaler(ImageUpscaler upscaler)
{
    public ImageUpscaler Upscaler { get; } = upscaler;

    public (int Width, int Height) OutputSize(int width, int height) => Upscaler.OutputSize(width, height);

    /// <summary>Upscales pictures of one shape together into <paramref name="outputs"/> (same format, <see cref="OutputSize"/>).</summary>
    public void Upscale(IReadOnlyList<PlanarImage> inputs, IReadOnlyList<PlanarImage> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count != outputs.Count)
        {
            throw new ArgumentException($"{inputs.Count} inputs need as many outputs, not {outputs.Count}.", nameof(outputs));
        }
        if (inputs.Count == 0)
        {
            return;
        }
        var first = inputs[0];
        if (inputs.Any(i => !i.SameShape(first)))
        {
            throw new ArgumentException("Pictures upscaled together must share one size and format.", nameof(inputs));
        }
        var (width, height) = OutputSize(first.Width, first.Height);
        if (outputs.Any(o => o.Width != width || o.Height != height || o.Format != first.Format))
        {
            throw new ArgumentException($"Outputs must be {width}x{height} {first.Format} pictures.", nameof(outputs));
        }

        using var inference = torch.inference_mode();
        int perPass = Upscaler.FramesPerPass((long)width * height, WholeFrameBytesPerOutputPixel);
        for (int start = 0; start < inputs.Count; start += perPass)
        {
            // One scope per group: its whole-frame tensors are freed before the next group's exist.
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(perPass, inputs.Count - start);
            UpscaleGroup([.. inputs.Skip(start).Take(count)], [.. outputs.Skip(start).Take(count)]);
        }
    }

    /// <summary>
    /// Float bytes per output pixel that whole-frame tensors hold at the peak of one pass: the
    /// upscaled luma and its clipped, scaled and rounded copies, and as much again for chroma at
    /// 4:4:4 (an RGB model's conversions hold about as much). A 4K frame is about 400 MB of them.
    /// </summary>
    private const long WholeFrameBytesPerOutputPixel = 48;

    private void UpscaleGroup(IReadOnlyList<PlanarImage> inputs, IReadOnlyList<PlanarImage> outputs)
    {
        var format = inputs[0].Format;
        bool yModel = Upscaler.Header.ColorMode == ColorMode.Y;
        if (format.Layout == PlaneLayout.Rgb)
        {
            UpscaleRgb(inputs, outputs);
        }
        else if (yModel)
        {
            UpscaleLuma(inputs, outputs);
            if (format.IsYuv)
            {
                ResampleChroma(inputs, outputs);
            }
        }
        else
        {
            UpscaleThroughRgb(inputs, outputs);
        }
    }

    private void UpscaleLuma(IReadOnlyList<PlanarImage> inputs, IReadOnlyList<PlanarImage> outputs)
    {
        var levels = SampleLevels.Luma(inputs[0].Format);
        Tensor y = levels.ToUnit(PlaneTensors.ToTensor(inputs, 0, Upscaler.Device));
        PlaneTensors.CopyTo(levels.ToCodes(Upscaler.UpscaleNetworkChannels(y)), outputs, 0);
    }

    /// <summary>Cb and Cr to the output's chroma size, each output sample taken where its siting puts it.</summary>
    private void ResampleChroma(IReadOnlyList<PlanarImage> inputs, IReadOnlyList<PlanarImage> outputs)
    {
        var (source, output) = (inputs[0], outputs[0]);
        var format = source.Format;
        Tensor chroma = torch.cat([PlaneTensors.ToTensor(inputs, 1, Upscaler.Device), PlaneTensors.ToTensor(inputs, 2, Upscaler.Device)], dim: 1);
        var (chromaWidth, chromaHeight) = format.PlaneSize(1, output.Width, output.Height);
        var siting = ChromaGrid.Of(format);
        Tensor resized = PlaneResampler.Resize(chroma, chromaHeight, chromaWidth,
            j => PlaneResampler.SitedPosition(j, format.ChromaFactorY, siting.OffsetY, source.Height, output.Height),
            i => PlaneResampler.SitedPosition(i, format.ChromaFactorX, siting.OffsetX, source.Width, output.Width));
        PlaneTensors.CopyTo(resized[.., ..1], outputs, 1);
        PlaneTensors.CopyTo(resized[.., 1..], outputs, 2);
    }

    private void UpscaleRgb(IReadOnlyList<PlanarImage> inputs, IReadOnlyList<PlanarImage> outputs)
    {
        var levels = SampleLevels.Luma(inputs[0].Format);
        Tensor rgb = levels.ToUnit(torch.cat([.. Enumerable.Range(0, 3).Select(p => PlaneTensors.ToTensor(inputs, p, Upscaler.Device))], dim: 1));
        Tensor result = levels.ToCodes(ColorSpaces.ClipUnit(Upscaler.UpscaleTensor(rgb)));
        for (int p = 0; p < 3; p++)
        {
            PlaneTensors.CopyTo(result[.., p..(p + 1)], outputs, p);
        }
    }

    /// <summary>An RGB model on gray or YUV: to RGB at full size with the format's matrix and range, and back.</summary>
    private void UpscaleThroughRgb(IReadOnlyList<PlanarImage> inputs, IReadOnlyList<PlanarImage> outputs)
    {
        var (source, output) = (inputs[0], outputs[0]);
        var format = source.Format;
        var luma = SampleLevels.Luma(format);
        var matrix = YuvMatrices.For(format.Matrix);
        Tensor y = luma.ToUnit(PlaneTensors.ToTensor(inputs, 0, Upscaler.Device));
        if (!format.IsYuv)
        {
            Tensor gray = ColorSpaces.ClipUnit(Upscaler.UpscaleTensor(y.expand(-1, 3, -1, -1).contiguous()));
            Tensor grayLuma = ColorSpaces.Affine(gray, matrix.ToYuv, [0f, 0f, 0f])[.., ..1];
            PlaneTensors.CopyTo(luma.ToCodes(grayLuma), outputs, 0);
            return;
        }

        var chromaLevels = SampleLevels.Chroma(format);
        var siting = ChromaGrid.Of(format);
        Tensor chroma = chromaLevels.ToUnit(torch.cat([PlaneTensors.ToTensor(inputs, 1, Upscaler.Device), PlaneTensors.ToTensor(inputs, 2, Upscaler.Device)], dim: 1));
        Tensor fullChroma = PlaneResampler.Resize(chroma, source.Height, source.Width,
            row => (row - siting.OffsetY) / format.ChromaFactorY,
            column => (column - siting.OffsetX) / format.ChromaFactorX);
        Tensor rgb = ColorSpaces.Affine(torch.cat([y, fullChroma], dim: 1), matrix.ToRgb, [0f, 0f, 0f]);
        Tensor upscaled = ColorSpaces.ClipUnit(Upscaler.UpscaleTensor(rgb));
        Tensor yuv = ColorSpaces.Affine(upscaled, matrix.ToYuv, [0f, 0f, 0f]);
        PlaneTensors.CopyTo(luma.ToCodes(yuv[.., ..1]), outputs, 0);

        var (chromaWidth, chromaHeight) = format.PlaneSize(1, output.Width, output.Height);
        Tensor outputChroma = chromaLevels.ToCodes(PlaneResampler.Resize(yuv[.., 1..], chromaHeight, chromaWidth,
            j => format.ChromaFactorY * j + siting.OffsetY,
            i => format.ChromaFactorX * i + siting.OffsetX));
        PlaneTensors.CopyTo(outputChroma[.., ..1], outputs, 1);
        PlaneTensors.CopyTo(outputChroma[.., 1..], outputs, 2);
    }
}

/// <summary>Where chroma samples sit, in luma samples from the first luma sample of their block (0 co-sited, 0.5 centred).</summary>
internal readonly record struct ChromaGrid(double OffsetX, double OffsetY)
{
    public static ChromaGrid Of(PlaneFormat format) => new(
        format.ChromaFactorX == 1 || format.Siting != ChromaSiting.Center ? 0 : 0.5,
        format.ChromaFactorY == 1 || format.Siting == ChromaSiting.TopLeft ? 0 : 0.5);
}

/// <summary>Codes to values and back: luma (and RGB) to [0, 1], chroma to [-0.5, 0.5].</summary>
internal readonly record struct SampleLevels(float Offset, float Span)
{
    public static SampleLevels Luma(PlaneFormat format) => format.Range == ColorRange.Full
        ? new(0, format.MaxCode)
        : new(16 << (format.BitDepth - 8), 219 << (format.BitDepth - 8));

    public static SampleLevels Chroma(PlaneFormat format) => new(
        1 << (format.BitDepth - 1),
        format.Range == ColorRange.Full ? format.MaxCode : 224 << (format.BitDepth - 8));

    public Tensor ToUnit(Tensor codes)
    {
        using Scalar scale = (1f / Span).ToScalar();
        using Scalar shift = (-Offset / Span).ToScalar();
        return codes.mul(scale).add_(shift, TorchScalars.One);
    }

    public Tensor ToCodes(Tensor values)
    {
        using Scalar scale = Span.ToScalar();
        using Scalar shift = Offset.ToScalar();
        return values.mul(scale).add_(shift, TorchScalars.One);
    }
}

/// <summary>YCbCr (Y in [0, 1], Cb and Cr in [-0.5, 0.5]) to RGB and back, as row-major 3x3 matrices.</summary>
internal sealed record YuvMatrices(float[] ToRgb, float[] ToYuv)
{
    public static YuvMatrices For(YuvMatrix matrix) => matrix switch
    {
        YuvMatrix.Bt601 => From(0.299, 0.114),
        YuvMatrix.Bt709 => From(0.2126, 0.0722),
        YuvMatrix.Bt2020 => From(0.2627, 0.0593),
        _ => throw new ArgumentOutOfRangeException(nameof(matrix), matrix, null),
    };

    private static YuvMatrices From(double kr, double kb)
    {
        double kg = 1 - kr - kb;
        double[] toRgb =
        [
            1, 0, 2 * (1 - kr),
            1, -2 * kb * (1 - kb) / kg, -2 * kr * (1 - kr) / kg,
            1, 2 * (1 - kb), 0,
        ];
        double[] toYuv =
        [
            kr, kg, kb,
            -kr / (2 * (1 - kb)), -kg / (2 * (1 - kb)), 0.5,
            0.5, -kg / (2 * (1 - kr)), -kb / (2 * (1 - kr)),
        ];
        return new([.. toRgb.Select(v => (float)v)], [.. toYuv.Select(v => (float)v)]);
    }
}
