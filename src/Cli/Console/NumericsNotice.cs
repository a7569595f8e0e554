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

    /// <param name="bf16Warnings">The models' own <see cref="ImageUpscaler.Bf16Warning"/>s, where bf16 runs on float32 kernels.</param>
    public static void Announce(ParseResult result, params IEnumerable<string?> bf16Warnings)
    {
        if (ConvolutionGuard.Current is { } report)
        {
            if (report.UsesSafePath)
            {
                System.Console.Error.WriteLine($"warning: {report.Describe()}");
            }
            else if (result.GetValue(Verbose))
            {
                System.Console.Error.WriteLine(report.Describe());
            }
        }
        WarnBf16(bf16Warnings);
    }

    /// <summary>Always, when given: whoever asked for bf16 asked for speed, and here it is slower than fp32.</summary>
    public static void WarnBf16(params IEnumerable<string?> bf16Warnings)
    {
        foreach (string? warning in bf16Warnings)
        {
            if (warning is not null)
            {
                System.Console.Error.WriteLine($"warning: {warning}");
            }
        }
    }
}
