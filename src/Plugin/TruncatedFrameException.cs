namespace SeRanet.Video.Plugin;

/// <summary>
/// A raw frame stream ended inside a frame: the host sends frames of another size or pixel
/// format than the filter was opened for, or stopped mid-frame. A shell names its own settings
/// for the size and format (the CLI: --size and --pix-fmt).
/// </summary>
public sealed class TruncatedFrameException : IOException
{
    public TruncatedFrameException()
    {
    }

    public TruncatedFrameException(string message)
        : base(message)
    {
    }

    public TruncatedFrameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TruncatedFrameException(long frame, int bytesRead, int frameBytes)
        : base($"{Describe(frame, bytesRead, frameBytes)} Check the frame size and pixel format the filter was opened with against what the host sends.")
    {
        Frame = frame;
        BytesRead = bytesRead;
        FrameBytes = frameBytes;
    }

    /// <summary>Index of the frame the input ended in.</summary>
    public long Frame { get; }

    public int BytesRead { get; }

    /// <summary>The bytes a whole frame has at the size and format the filter was opened for.</summary>
    public int FrameBytes { get; }

    /// <summary>What happened, in one sentence without advice.</summary>
    public static string Describe(long frame, int bytesRead, int frameBytes) =>
        $"The input ended inside frame {frame}: {bytesRead} of {frameBytes} bytes.";
}
