using System.Buffers.Binary;
using SeRanet.Video.Core.Imaging;

namespace SeRanet.Video.Upscaler.Imaging;

/// <summary>A planar float image (channel, row, column) with values nominally in [0, 1].</summary>
public sealed class ImagePlanes
{
    public ImagePlanes(int channels, int height, int width, float[]? data = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Channels = channels;
        Height = height;
        Width = width;
        Data = data ?? new float[channels * height * width];
        if (Data.Length != channels * height * width)
        {
            throw new ArgumentException($"{Data.Length} values do not make a {channels}x{height}x{width} image.", nameof(data));
        }
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public float[] Data { get; }

    public int PlaneSize => Width * Height;

    public Span<float> Plane(int channel) => Data.AsSpan(channel * PlaneSize, PlaneSize);

    public float this[int channel, int y, int x]
    {
        get => Data[(channel * Height + y) * Width + x];
        set => Data[(channel * Height + y) * Width + x] = value;
    }

    public static ImagePlanes FromFrame(Frame frame)
    {
        var image = new ImagePlanes(3, frame.Height, frame.Width);
        ReadOnlySpan<byte> data = frame.Data;
        int plane = image.PlaneSize;
        float[] values = image.Data;
        if (frame.Format == PixelFormat.Rgb48)
        {
            for (int i = 0; i < plane; i++)
            {
                for (int c = 0; c < 3; c++)
                {
                    values[c * plane + i] = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice((i * 3 + c) * 2, 2)) / 65535f;
                }
            }
        }
        else
        {
            for (int i = 0; i < plane; i++)
            {
                values[i] = data[i * 3] / 255f;
                values[plane + i] = data[i * 3 + 1] / 255f;
                values[2 * plane + i] = data[i * 3 + 2] / 255f;
            }
        }
        return image;
    }

    /// <summary>Rounds to the frame's depth, clipping to the valid range.</summary>
    public void WriteTo(Frame frame)
    {
        if (Channels != 3 || frame.Width != Width || frame.Height != Height)
        {
            throw new ArgumentException($"A {Channels}x{Width}x{Height} image does not fit a {frame.Width}x{frame.Height} RGB frame.");
        }
        Span<byte> data = frame.Data;
        int plane = PlaneSize;
        if (frame.Format == PixelFormat.Rgb48)
        {
            for (int i = 0; i < plane; i++)
            {
                for (int c = 0; c < 3; c++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(data.Slice((i * 3 + c) * 2, 2), (ushort)Quantize(Data[c * plane + i], 65535f));
                }
            }
        }
        else
        {
            for (int i = 0; i < plane; i++)
            {
                for (int c = 0; c < 3; c++)
                {
                    data[i * 3 + c] = (byte)Quantize(Data[c * plane + i], 255f);
                }
            }
        }
    }

    public Frame ToFrame(PixelFormat format)
    {
        var frame = Frame.Rent(Width, Height, format);
        WriteTo(frame);
        return frame;
    }

    /// <summary>A copy rounded to 8 bits per channel, as an 8-bit file would store it.</summary>
    public ImagePlanes Quantized8()
    {
        var copy = new ImagePlanes(Channels, Height, Width);
        for (int i = 0; i < Data.Length; i++)
        {
            copy.Data[i] = Quantize(Data[i], 255f) / 255f;
        }
        return copy;
    }

    public ImagePlanes Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || x + width > Width || y + height > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Crop {x},{y} {width}x{height} is outside {Width}x{Height}.");
        }
        var crop = new ImagePlanes(Channels, height, width);
        for (int c = 0; c < Channels; c++)
        {
            for (int row = 0; row < height; row++)
            {
                Data.AsSpan((c * Height + y + row) * Width + x, width).CopyTo(crop.Data.AsSpan((c * height + row) * width, width));
            }
        }
        return crop;
    }

    private static int Quantize(float value, float max) => (int)Math.Clamp(MathF.Round(value * max), 0f, max);
}
