using System.CommandLine;
using SeRanet.Video.Upscaler.Numerics;

namespace SeRanet.Video.Cli.Console;

/// <summary>
/// Tells the user what the convolution self-check (run when a model is loaded) found: always when
/// this CPU needed the safe kernels, or bf16 float32 kernels (never silently slower, never silently
/// wrong), and with --verbose also when all was well.
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

    public static void Announce(ParseResult result)
    {
        if (ConvolutionGuard.Current is not { } report)
        {
            return;
        }
        if (report.UsesSafePath)
        {
            System.Console.Error.WriteLine($"warning: {report.Describe()}");
        }
        else if (result.GetValue(Verbose))
        {
            System.Console.Error.WriteLine(report.Describe());
        }
        // Always: whoever asked for bf16 asked for speed, and here it is slower than fp32.
        if (report.DescribeBf16() is { } bf16)
        {
            System.Console.Error.WriteLine($"warning: {bf16}");
        }
    }
}
