using System.Diagnostics;

namespace SeRanet.Video.Tests.Support;

/// <summary>
/// Starts a program with SIGINT, SIGHUP and SIGTERM at their default actions, as a terminal gives
/// them. A process inherits "ignore" for these from whoever started it (nohup ignores SIGHUP, a
/// background job of a non-interactive shell ignores SIGINT), and the tool rightly keeps an inherited
/// "ignore"; so tests that interrupt a run reset them first, or they would test how the test runner
/// was launched. python3 resets them and execs the program in the same process (same pid).
/// </summary>
public static class DefaultSignals
{
    private const string ResetAndExec =
        "import os, signal, sys\n" +
        "for s in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):\n" +
        "    signal.signal(s, signal.SIG_DFL)\n" +
        "os.execvp(sys.argv[1], sys.argv[1:])\n";

    /// <summary>A start info for <paramref name="program"/>; add its arguments to <see cref="ProcessStartInfo.ArgumentList"/>.</summary>
    public static ProcessStartInfo StartInfo(string program)
    {
        var info = new ProcessStartInfo("python3") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ResetAndExec);
        info.ArgumentList.Add(program);
        return info;
    }
}
