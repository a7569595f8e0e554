using System.CommandLine;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Training.Runs;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet compare-runs</c>: several training runs' validation curves on one plot.</summary>
internal static class CompareRunsCommand
{
    public static Command Create()
    {
        var runs = new Option<List<RunComparisonPlot.Run>>("--run")
        {
            Description = "A run to draw, as LABEL=FOLDER (its run folder, which holds training-log.csv); repeat for each run.",
            Required = true,
            CustomParser = ParseRuns,
        };
        var output = new Option<string>("--output", "-o") { Description = "The PNG to write.", Required = true };
        var axis = new Option<RunAxis>("--by") { Description = "Horizontal axis: step (supervised steps) or minutes (wall time, pre-training included).", DefaultValueFactory = _ => RunAxis.Step }.OneOf();
        var title = new Option<string>("--title") { Description = "Title of the plot.", DefaultValueFactory = _ => "Validation PSNR" };
        var command = new Command("compare-runs", "Plot the validation PSNR of several training runs on one chart.") { runs, output, axis, title };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(result, () =>
        {
            string path = result.GetValue(output)!;
            RunComparisonPlot.Save(result.GetValue(runs)!, result.GetValue(axis), result.GetValue(title)!, path);
            System.Console.WriteLine($"written: {path}");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return command;
    }

    // Each --run is one token; a repeated option hands the parser all of them.
    private static List<RunComparisonPlot.Run> ParseRuns(System.CommandLine.Parsing.ArgumentResult result)
    {
        var runs = new List<RunComparisonPlot.Run>();
        foreach (var token in result.Tokens)
        {
            string text = token.Value;
            int equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == text.Length - 1)
            {
                result.AddError($"--run takes LABEL=FOLDER, such as 'no fusion=runs/ablation-nofusion', not '{text}'.");
                return runs;
            }
            runs.Add(new RunComparisonPlot.Run(text[..equals], text[(equals + 1)..]));
        }
        return runs;
    }
}
