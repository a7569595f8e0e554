namespace SeRanet.Video.Decoder.Video;

/// <summary>
/// A video gave fewer frames than it holds: packets are missing (a truncated or cut file) or
/// failed to decode (damaged bytes). Thrown only when a job was asked to take every frame or none;
/// otherwise the shorter result is kept and the same words are a warning.
/// </summary>
public sealed class MissingFramesException(string path, long decoded, long expected)
    : IOException(Describe(path, decoded, expected))
{
    public long Decoded { get; } = decoded;

    public long Expected { get; } = expected;

    public static string Describe(string path, long decoded, long expected) =>
        $"{path}: decoded {decoded} of {expected} frames; the file is truncated or damaged.";
}
