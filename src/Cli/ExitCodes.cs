namespace SeRanet.Video.Cli;

/// <summary>The tool's exit codes (documented in the README).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed: bad input file, ffmpeg or model error.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl-C, SIGTERM or SIGHUP.</summary>
    public const int Cancelled = 130;
}
