using System.CommandLine;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Console;

/// <summary>
/// Turns the failures a user can cause or fix into one <c>error:</c> line on stderr and
/// <see cref="ExitCodes.Failure"/>: bad or missing files, missing models, ffmpeg errors, and the
/// <see cref="ArgumentException"/>s and <see cref="InvalidOperationException"/>s the libraries throw
/// for values and states that come from the user's files and options (an output that is the input,
/// a model of another scale). A bug can throw those two as well, so <c>--verbose</c> prints the
/// stack trace under the line. Any other exception is a bug and keeps its stack trace.
/// </summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(ParseResult result, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            System.Console.Error.WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (IsUserFacing(ex))
        {
            System.Console.Error.WriteLine($"error: {InCliWords(ex)}");
            if (result.GetValue(NumericsNotice.Verbose))
            {
                System.Console.Error.WriteLine(ex);
            }
            return ExitCodes.Failure;
        }
    }

    /// <summary>The libraries' messages name no flag; where the fix is one, the CLI names it.</summary>
    public static string InCliWords(Exception ex) => ex switch
    {
        OutputExistsException exists => $"{exists.Path} exists; pass --overwrite to replace it.",
        Decoder.Images.ImageTooLargeException large => $"{large.Message} Pass --max-pixels to allow larger pictures.",
        Encoder.Video.StreamsNotCarriedException streams => $"{streams.Message} Pass --drop-unsupported to leave {(streams.Streams.Count == 1 ? "it" : "them")} out.",
        _ => ex.Message,
    };

    public static bool IsUserFacing(Exception ex) => ex is FfmpegException or InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or ModelNotFoundException or IOException or ArgumentException or InvalidOperationException
        or UnauthorizedAccessException;
}
