using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Plugin.Video.Segments;

/// <summary>
/// Everything that decides the bytes of a chunk. A work folder made under other settings holds
/// chunks that would not match the new ones, so it is started again rather than resumed.
/// </summary>
public sealed record JobSettings
{
    /// <summary>The source, by name, size, modification time and what ffprobe found (including every frame time).</summary>
    public required string InputName { get; init; }

    public required long InputBytes { get; init; }

    public required DateTime InputModifiedUtc { get; init; }

    public required string InputProbe { get; init; }

    public required string Model { get; init; }

    /// <summary>SHA-256 of the model's weights, as its header records it.</summary>
    public required string ModelSha256 { get; init; }

    public required double Scale { get; init; }

    /// <summary>The inference backend: another one may round differently.</summary>
    public string Backend { get; init; } = "";

    /// <summary>
    /// The number format inside the network, and whether each tile was averaged over its flips and
    /// turns: either changes the pictures. Empty in folders made before it was recorded, which
    /// therefore start again.
    /// </summary>
    public string Precision { get; init; } = "";

    public bool Tta { get; init; }

    public required string Codec { get; init; }

    public int? Crf { get; init; }

    public string? Preset { get; init; }

    public required string PixelFormat { get; init; }

    /// <summary>
    /// The frames between ffmpeg and the model (RGB, or the source's planes for a Y model): the two
    /// round differently, so chunks of one must not be joined with chunks of the other.
    /// </summary>
    public string Frames { get; init; } = "";

    public required long FramesPerSegment { get; init; }

    /// <summary>The probe in one line; the frame times enter as a hash, so a VFR file edited in place is noticed.</summary>
    public static string DescribeProbe(VideoInfo video)
    {
        var times = new StringBuilder();
        foreach (long pts in video.FramePts)
        {
            times.Append(pts.ToString(CultureInfo.InvariantCulture)).Append(',');
        }
        string timesHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(times.ToString())));
        return string.Create(CultureInfo.InvariantCulture,
            $"stream {video.StreamIndex} {video.CodecName} {video.Width}x{video.Height} {video.PixelFormat} {video.BitDepth}-bit rotation {video.Rotation} field {video.FieldOrder ?? "-"} " +
            $"time base {video.TimeBase} rate {video.FrameRate} frames {video.FrameCount} times {timesHash}");
    }

    /// <summary>The names of the settings that differ from <paramref name="other"/>.</summary>
    public IReadOnlyList<string> Differences(JobSettings other)
    {
        var differences = new List<string>();
        void Compare<T>(string name, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs))
            {
                differences.Add(name);
            }
        }
        Compare("input name", InputName, other.InputName);
        Compare("input size", InputBytes, other.InputBytes);
        Compare("input modification time", InputModifiedUtc, other.InputModifiedUtc);
        Compare("input streams", InputProbe, other.InputProbe);
        Compare("model", Model, other.Model);
        Compare("model weights", ModelSha256, other.ModelSha256);
        Compare("scale", Scale, other.Scale);
        Compare("backend", Backend, other.Backend);
        Compare("precision", Precision, other.Precision);
        Compare("tta", Tta, other.Tta);
        Compare("codec", Codec, other.Codec);
        Compare("crf", Crf, other.Crf);
        Compare("preset", Preset, other.Preset);
        Compare("pixel format", PixelFormat, other.PixelFormat);
        Compare("frames to the model", Frames, other.Frames);
        Compare("segment length", FramesPerSegment, other.FramesPerSegment);
        return differences;
    }
}
