using System.Buffers.Binary;
using System.Text;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Imaging.Planar;

namespace SeRanet.Video.Encoder.Video;

/// <summary>
/// Writes raw frames (RGB or planar) with their timestamps as a minimal live Matroska stream (one
/// V_UNCOMPRESSED track, one cluster per frame). Raw video on a pipe carries no timestamps;
/// wrapped like this, ffmpeg reads each frame's own time, so variable frame rates survive.
/// Timestamps are in nanoseconds (TimestampScale 1), fine enough to round-trip any source time base.
/// </summary>
public sealed class MatroskaFrameWriter
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    private readonly Stream _stream;
    private readonly long _frameNanoseconds;
    private readonly byte[] _clusterHead = new byte[64];
    private bool _headerWritten;

    /// <param name="stream">Where the stream goes (ffmpeg's stdin).</param>
    /// <param name="frameNanoseconds">
    /// How long a frame shows when nothing follows it (the track's DefaultDuration; 0 for none).
    /// Every other frame lasts until the next one; the last needs this, or MP4 and MOV muxers give
    /// it no duration and players drop it.
    /// </param>
    public MatroskaFrameWriter(Stream stream, long frameNanoseconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameNanoseconds);
        _stream = stream;
        _frameNanoseconds = frameNanoseconds;
    }

    /// <summary>
    /// The FourCC in the track's ColourSpace element that ffmpeg's raw decoder maps back to the
    /// pixel layout (libavcodec/raw.c: 'RGB' 24 is rgb24, 'RGB' 48 is rgb48le).
    /// </summary>
    public static byte[] FourCc(PixelFormat format) => format switch
    {
        PixelFormat.Rgb24 => [(byte)'R', (byte)'G', (byte)'B', 24],
        PixelFormat.Rgb48 => [(byte)'R', (byte)'G', (byte)'B', 48],
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>
    /// The FourCC of any raw frame format: RGB as above; planar gray and YUV as ffmpeg's raw tag
    /// table has them (libavcodec/raw.c): I420, Y42B, 444P and Y800 at 8 bits, and for deeper
    /// samples 'Y1' (gray) or 'Y3' (YUV), then 11, 10 or 0 for 4:2:0, 4:2:2 or 4:4:4, then the bits.
    /// </summary>
    public static byte[] FourCc(RawVideoFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.Interleaved is { } rgb)
        {
            return FourCc(rgb);
        }
        var planes = format.Planes!;
        if (planes.BitDepth == 8)
        {
            return Encoding.ASCII.GetBytes(planes.Layout switch
            {
                PlaneLayout.Gray => "Y800",
                PlaneLayout.Yuv420 => "I420",
                PlaneLayout.Yuv422 => "Y42B",
                PlaneLayout.Yuv444 => "444P",
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
            });
        }
        return planes.Layout switch
        {
            PlaneLayout.Gray => [(byte)'Y', (byte)'1', 0, (byte)planes.BitDepth],
            PlaneLayout.Yuv420 => [(byte)'Y', (byte)'3', 11, (byte)planes.BitDepth],
            PlaneLayout.Yuv422 => [(byte)'Y', (byte)'3', 10, (byte)planes.BitDepth],
            PlaneLayout.Yuv444 => [(byte)'Y', (byte)'3', 0, (byte)planes.BitDepth],
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    /// <summary>EBML header, an open-ended Segment, Info and a Tracks element describing RGB frames.</summary>
    public static byte[] Header(int width, int height, PixelFormat format, long frameNanoseconds = 0) =>
        Header(width, height, RawVideoFormat.Rgb(format), frameNanoseconds);

    /// <summary>EBML header, an open-ended Segment, Info and a Tracks element describing the frames.</summary>
    public static byte[] Header(int width, int height, RawVideoFormat format, long frameNanoseconds = 0)
    {
        byte[] ebml = Element(0x1A45DFA3, Concat(
            UnsignedElement(0x4286, 1), // EBMLVersion
            UnsignedElement(0x42F7, 1), // EBMLReadVersion
            UnsignedElement(0x42F2, 4), // EBMLMaxIDLength
            UnsignedElement(0x42F3, 8), // EBMLMaxSizeLength
            Element(0x4282, Encoding.ASCII.GetBytes("matroska")),
            UnsignedElement(0x4287, 4), // DocTypeVersion
            UnsignedElement(0x4285, 2))); // DocTypeReadVersion
        byte[] info = Element(0x1549A966, Concat(
            UnsignedElement(0x2AD7B1, 1), // TimestampScale: 1 ns
            Element(0x4D80, Encoding.ASCII.GetBytes("SeRanet.Video")), // MuxingApp
            Element(0x5741, Encoding.ASCII.GetBytes("SeRanet.Video")))); // WritingApp
        byte[] video = Element(0xE0, Concat(
            UnsignedElement(0xB0, (ulong)width), // PixelWidth
            UnsignedElement(0xBA, (ulong)height), // PixelHeight
            Element(0x2EB524, FourCc(format)))); // ColourSpace
        byte[] track = Element(0xAE, Concat(
            UnsignedElement(0xD7, 1), // TrackNumber
            UnsignedElement(0x73C5, 1), // TrackUID
            UnsignedElement(0x83, 1), // TrackType: video
            UnsignedElement(0x9C, 0), // FlagLacing
            Element(0x86, Encoding.ASCII.GetBytes("V_UNCOMPRESSED")), // CodecID
            frameNanoseconds > 0 ? UnsignedElement(0x23E383, (ulong)frameNanoseconds) : [], // DefaultDuration
            video));
        byte[] tracks = Element(0x1654AE6B, track);
        // A Segment of unknown size: the stream is written live and never sought back.
        byte[] segment = [.. Id(0x18538067), 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        return Concat(ebml, segment, info, tracks);
    }

    /// <summary>Nanoseconds for <paramref name="pts"/> ticks of a time base (exact integer arithmetic, rounded).</summary>
    public static long ToNanoseconds(long pts, long timeBaseNumerator, long timeBaseDenominator)
    {
        Int128 scaled = (Int128)pts * timeBaseNumerator * NanosecondsPerSecond;
        Int128 half = timeBaseDenominator / 2;
        return (long)((scaled + (scaled >= 0 ? half : -half)) / timeBaseDenominator);
    }

    /// <summary>Writes one frame as a cluster holding a single key-frame SimpleBlock at <paramref name="nanoseconds"/>.</summary>
    public async Task WriteAsync(IVideoFrame frame, long nanoseconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfNegative(nanoseconds);
        if (!_headerWritten)
        {
            await _stream.WriteAsync(Header(frame.Width, frame.Height, frame.RawFormat, _frameNanoseconds), cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }
        int headLength = ClusterHead(frame.Memory.Length, (ulong)nanoseconds, _clusterHead);
        await _stream.WriteAsync(_clusterHead.AsMemory(0, headLength), cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync(frame.Memory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cluster ID and size, its Timestamp, then the SimpleBlock's ID, size and block header; the pixels follow.</summary>
    private static int ClusterHead(int frameBytes, ulong timestamp, byte[] buffer)
    {
        byte[] clusterTimestamp = UnsignedElement(0xE7, timestamp);
        long blockSize = 4L + frameBytes; // track number (1), relative time (2), flags (1)
        byte[] blockHead = [.. Id(0xA3), .. Size8(blockSize), 0x81, 0x00, 0x00, 0x80];
        long clusterSize = clusterTimestamp.Length + blockHead.Length + (long)frameBytes;
        byte[] head = [.. Id(0x1F43B675), .. Size8(clusterSize), .. clusterTimestamp, .. blockHead];
        head.CopyTo(buffer, 0);
        return head.Length;
    }

    private static byte[] UnsignedElement(uint id, ulong value)
    {
        int length = 1;
        while (length < 8 && value >> (8 * length) != 0)
        {
            length++;
        }
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++)
        {
            payload[length - 1 - i] = (byte)(value >> (8 * i));
        }
        return Element(id, payload);
    }

    private static byte[] Element(uint id, byte[] payload) => Concat(Id(id), Size8(payload.Length), payload);

    /// <summary>An element ID is written as is: its leading bits already encode its length.</summary>
    private static byte[] Id(uint id)
    {
        int length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[length - 1 - i] = (byte)(id >> (8 * i));
        }
        return bytes;
    }

    /// <summary>A size as an 8-byte EBML variable-length integer (marker 0x01, then 7 bytes).</summary>
    private static byte[] Size8(long size)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, size);
        bytes[0] = 0x01;
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
