using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Console;

/// <summary>
/// Turns the failures a user can cause or fix (bad files, missing models, ffmpeg errors) into
/// one clear line on stderr and an exit code; anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> body, CancellationToken cancellationToken)
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
            System.Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    public static bool IsUserFacing(Exception ex) => ex is FfmpegException or InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or ModelNotFoundException or IOException or ArgumentException or InvalidOperationException
        or UnauthorizedAccessException;
}
