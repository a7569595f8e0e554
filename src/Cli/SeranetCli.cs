using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using SeRanet.Video.Cli.Commands;
using SeRanet.Video.Cli.Console;

namespace SeRanet.Video.Cli;

/// <summary>The seranet command tree and how a command line runs through it (Program and the tests share it).</summary>
internal static class SeranetCli
{
    public const string Name = "seranet";

    public static RootCommand Create()
    {
        var root = new RootCommand("SeRanet.Video: 2x and 4x super-resolution for videos and images with SeRanet networks.")
        {
            UpscaleCommand.Create(),
            UpscaleCommand.CreateJoin(),
            PreviewCommand.Create(),
            ImageCommand.Create(),
            TrainCommand.Create(),
            CompareRunsCommand.Create(),
            EvalCommand.Create(),
            ModelsCommand.Create(),
            FilterCommand.Create(),
            BenchCommand.Create(),
            ExportCommand.Create(),
            CalibrateCommand.Create(),
            PruneCommand.Create(),
        };
        root.Options.Add(NumericsNotice.Verbose);
        return root;
    }

    /// <summary>
    /// Runs a command line. A bad one is refused before any work with one <c>error:</c> line that
    /// names the problem, a hint where help is, and <see cref="ExitCodes.Usage"/>, instead of the
    /// parser's default (the whole help on stdout and exit 1).
    /// </summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration, CancellationToken cancellationToken = default)
    {
        var parsed = Create().Parse(args);
        if (parsed.Action is ParseErrorAction && parsed.Errors.Count > 0)
        {
            configuration.Error.WriteLine($"error: {OneLine(parsed.Errors[0].Message)}");
            configuration.Error.WriteLine($"Try '{CommandPath(parsed.CommandResult)} --help'.");
            return Task.FromResult(ExitCodes.Usage);
        }
        return parsed.InvokeAsync(configuration, cancellationToken);
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is CommandResult { Command: not RootCommand } sub; result = sub.Parent)
        {
            names.Insert(0, sub.Command.Name);
        }
        return string.Join(' ', [Name, .. names]);
    }
}
