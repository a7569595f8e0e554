namespace SeRanet.Video.Core.Imaging;

/// <summary>
/// A pooled picture on its way through the video pipeline, whatever its layout: what the decoder
/// fills from ffmpeg's pipe and the encoder writes to ffmpeg's, byte for byte.
/// </summary>
public interface IVideoFrame : IDisposable
{
    int Width { get; }

    int Height { get; }

    /// <summary>Position in the source, counting from 0.</summary>
    long Index { get; }

    /// <summary>Presentation time in the source's time base, when the frame came from a video.</summary>
    long? Pts { get; }

    /// <summary>How the bytes are laid out, in ffmpeg's words too.</summary>
    RawVideoFormat RawFormat { get; }

    /// <summary>All the picture's bytes, as ffmpeg reads and writes them for <see cref="RawFormat"/>.</summary>
    Memory<byte> Memory { get; }
}
