using System.CommandLine;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;

namespace SeRanet.Video.Cli.Console;

/// <summary>
/// Tells the user what the convolution self-check (run when a model is loaded) found: always when
/// this CPU needed the safe kernels, or a model runs bf16 on float32 kernels (never silently slower,
/// never silently wrong), and with --verbose also when all was well.
/// </summary>
internal static class NumericsNotice
{
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Say more about what the tool checks and chooses (e.g. the CPU convolution self-check).",
        Recursive = true,
    };

    /// <summary>For shells whose engine already warned about the safe path: only the --verbose line.</summary>
    public static void AnnounceIfVerbose(ParseResult result)
    {
        if (ConvolutionGuard.Current is { UsesSafePath: false } report && result.GetValue(Verbose))
        {
            System.Console.Error.WriteLine(report.Describe());
        }
    }

    /// <summary>
    /// The warnings of the upscalers that run (<see cref="ImageUpscaler.Warnings"/>, one source for
    /// every shell), then with --verbose the self-check's line when all was well.
    /// </summary>
    public static void Announce(ParseResult result, IEnumerable<string> warnings)
    {
        foreach (string warning in warnings)
        {
            System.Console.Error.WriteLine($"warning: {warning}");
        }
        AnnounceIfVerbose(result);
    }

    /// <summary>
    /// <see cref="Announce(ParseResult, IEnumerable{string})"/> for several models at once. The
    /// safe-path line is said once and names no model: the switch to the slower exact kernels is
    /// the process's, so it holds for every model. Any other line names its model (a Y model's first
    /// layer may fail the bfloat16 self-check where an RGB model's passes). A lone model's lines
    /// name nothing, as with the single-model overload: the command ran only that one.
    /// </summary>
    public static void Announce(ParseResult result, IReadOnlyList<(string Model, IReadOnlyList<string> Warnings)> models)
    {
        if (models.Count == 1)
        {
            Announce(result, models[0].Warnings);
            return;
        }
        var lines = models.SelectMany(model => model.Warnings).Where(ConvolutionGuardReport.IsSafePathWarning).Take(1).Concat(
            from model in models
            from warning in model.Warnings
            where !ConvolutionGuardReport.IsSafePathWarning(warning)
            select $"{model.Model}: {warning}");
        Announce(result, lines);
    }
}
