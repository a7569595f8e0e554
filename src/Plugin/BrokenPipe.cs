namespace SeRanet.Video.Plugin;

/// <summary>How a write fails when the reader of a pipe has gone away (<c>| head</c>, a player closed).</summary>
internal static class BrokenPipe
{
    /// <summary>EPIPE on Unix; ERROR_BROKEN_PIPE or ERROR_NO_DATA on Windows.</summary>
    public static bool Is(IOException ex) =>
        ex.HResult is 32 or unchecked((int)0x8007006D) or unchecked((int)0x800700E8);
}
