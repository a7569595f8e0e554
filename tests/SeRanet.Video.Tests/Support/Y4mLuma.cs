using System.Globalization;
using System.Text;

namespace SeRanet.Video.Tests.Support;

/// <summary>The luma planes of an 8-bit 4:2:0 YUV4MPEG2 file, as ffmpeg writes them.</summary>
public sealed record Y4mLuma(int Width, int Height, IReadOnlyList<byte[]> Frames)
{
    public static Y4mLuma Read(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        int position = Array.IndexOf(data, (byte)'\n') + 1;
        string[] header = Encoding.ASCII.GetString(data, 0, position - 1).Split(' ');
        if (header[0] != "YUV4MPEG2")
        {
            throw new InvalidDataException($"{path} is not a YUV4MPEG2 file.");
        }
        int width = int.Parse(header.Single(p => p.StartsWith('W'))[1..], CultureInfo.InvariantCulture);
        int height = int.Parse(header.Single(p => p.StartsWith('H'))[1..], CultureInfo.InvariantCulture);
        if (header.FirstOrDefault(p => p.StartsWith('C')) is { } chroma && !chroma.StartsWith("C420", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} is {chroma[1..]}, not 8-bit 4:2:0.");
        }
        int lumaBytes = width * height;
        int frameBytes = lumaBytes + 2 * ((width + 1) / 2) * ((height + 1) / 2);
        var frames = new List<byte[]>();
        while (position < data.Length)
        {
            // "FRAME" and optional parameters up to the newline, then the planes.
            position = Array.IndexOf(data, (byte)'\n', position) + 1;
            if (position == 0 || position + frameBytes > data.Length)
            {
                throw new InvalidDataException($"{path} ends inside frame {frames.Count}.");
            }
            frames.Add(data.AsSpan(position, lumaBytes).ToArray());
            position += frameBytes;
        }
        return new Y4mLuma(width, height, frames);
    }
}
