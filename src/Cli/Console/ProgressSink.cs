using Spectre.Console;

namespace SeRanet.Video.Cli.Console;

/// <summary>
/// Where long-running commands report progress: a live Spectre.Console bar (description, bar,
/// percent, rate, time left) on a terminal; plain periodic lines when output is redirected;
/// nothing with --json.
/// </summary>
internal sealed class ProgressSink
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private readonly ProgressTask? _task;
    private readonly bool _plain;
    private readonly Lock _lock = new();
    private DateTime _lastPlainLine = DateTime.MinValue;

    private ProgressSink(ProgressTask? task, bool plain)
    {
        _task = task;
        _plain = plain;
    }

    /// <summary>Runs <paramref name="work"/> with a sink that fits the console.</summary>
    public static async Task<T> RunAsync<T>(string title, double total, bool quiet, Func<ProgressSink, Task<T>> work)
    {
        if (quiet)
        {
            return await work(new ProgressSink(null, plain: false));
        }
        if (!System.Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            T result = default!;
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new TransferSpeedlessRateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(title, maxValue: Math.Max(total, 1));
                    result = await work(new ProgressSink(task, plain: false));
                    task.StopTask();
                });
            return result;
        }
        return await work(new ProgressSink(null, plain: true));
    }

    /// <summary>Moves the bar; prints a plain line at most every few seconds when not on a terminal.</summary>
    public void Update(double value, string description)
    {
        if (_task is not null)
        {
            _task.Value = value;
            _task.Description = Markup.Escape(description);
            return;
        }
        if (!_plain)
        {
            return;
        }
        lock (_lock)
        {
            if (DateTime.UtcNow - _lastPlainLine >= PlainInterval)
            {
                _lastPlainLine = DateTime.UtcNow;
                System.Console.Error.WriteLine(description);
            }
        }
    }

    /// <summary>Sets the bar's end, for work whose size is known only once it has started.</summary>
    public void SetTotal(double total)
    {
        if (_task is not null)
        {
            _task.MaxValue = Math.Max(total, 1);
        }
    }

    /// <summary>A line that always appears (above a live bar, or plain).</summary>
    public void Note(string line)
    {
        if (_task is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(line));
        }
        else if (_plain)
        {
            System.Console.Error.WriteLine(line);
        }
    }

    /// <summary>Items per second from Spectre's own speed estimate, without byte units.</summary>
    private sealed class TransferSpeedlessRateColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed:F1}/s" : "-/s");
    }
}
