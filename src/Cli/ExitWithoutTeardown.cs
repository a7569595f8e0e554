using System.Runtime.InteropServices;

namespace SeRanet.Video.Cli;

/// <summary>
/// Ends the process once a command has returned, without the C library's exit handlers: those
/// run libtorch's static destructors (its operator registries) and the OpenMP pool's teardown,
/// which bench/startup.sh measured as a fifth of a one-photo run under load, after the picture
/// was already written (2% without them; README "A few small photos"). Everything a command
/// writes is closed before it returns (outputs are renamed into place by then), so only the
/// console's buffers need flushing first.
/// </summary>
internal static partial class ExitWithoutTeardown
{
    public static void Now(int exitCode)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            System.Console.Out.Flush();
            System.Console.Error.Flush();
        }
        catch (IOException)
        {
            // A closed pipe on the other end: nothing left to flush to.
        }
        Exit(exitCode);
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void Exit(int status);
}
