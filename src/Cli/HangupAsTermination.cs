using System.Runtime.InteropServices;

namespace SeRanet.Video.Cli;

/// <summary>
/// A closed terminal (SIGHUP) stops a job the way SIGTERM does: the running command is cancelled,
/// its temporary files are removed and the exit code is <see cref="ExitCodes.Cancelled"/>. By default
/// .NET ends the process at once with 129 and leaves the hidden partial output behind. The parser
/// cancels its token on SIGTERM only, so the hangup is passed on as one.
/// </summary>
internal static partial class HangupAsTermination
{
    private const int Sigterm = 15;

    public static PosixSignalRegistration? Register()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }
        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = Kill(Environment.ProcessId, Sigterm);
        });
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
