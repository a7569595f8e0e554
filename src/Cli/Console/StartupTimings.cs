using System.Diagnostics;

namespace SeRanet.Video.Cli.Console;

/// <summary>
/// Where a short run's wall time goes, from the moment the OS started the process: printed with
/// --verbose so that start-up costs (runtime, libtorch, model, first call) can be measured
/// without a profiler. Marks are cumulative; each line shows the step and the time since start.
/// </summary>
internal sealed class StartupTimings
{
    private readonly DateTime _processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private readonly List<(string Step, TimeSpan At)> _marks = [];

    public void Mark(string step) => _marks.Add((step, DateTime.UtcNow - _processStart));

    public void WriteTo(TextWriter writer)
    {
        var previous = TimeSpan.Zero;
        foreach (var (step, at) in _marks)
        {
            writer.WriteLine($"timing: {(at - previous).TotalSeconds,6:F3} s  {step} (at {at.TotalSeconds:F3} s)");
            previous = at;
        }
        // Not a step: compiling methods happens inside the steps above, on every thread.
        writer.WriteLine($"jit: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled in {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F3} s (all threads, whole run so far)");
    }
}
