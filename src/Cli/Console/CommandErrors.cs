using System.CommandLine;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Core.Options;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Plugin.Preview;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Inference;
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
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            System.Console.Error.WriteLine(ex is Plugin.Video.SegmentsKeptException kept
                ? $"Cancelled: {kept.Finished} of {kept.Total} segments are finished and kept in {kept.WorkFolder}; run the same command again to resume from there."
                : "Cancelled.");
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

    /// <summary>The flag that sets each engine option the engine may refuse (<see cref="InvalidOptionException.Option"/>).</summary>
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.DataFolders))] = "--data",
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.SkipFlat))] = "--skip-flat",
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.EdgeCrops))] = "--edge-crops",
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.ExtraScales))] = "--scales",
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.CompressedVariants))] = "--degrade-variants",
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.Pretrain))] = "--pretrain",
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.PretrainSteps))] = "--pretrain-steps",
        [InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.AverageDecay))] = "--ema",
        [InvalidOptionException.NameOf<EncoderOptions>(nameof(EncoderOptions.Crf))] = "--crf",
        [InvalidOptionException.NameOf<EncoderOptions>(nameof(EncoderOptions.Preset))] = "--encoder-preset",
        [InvalidOptionException.NameOf<EncoderOptions>(nameof(EncoderOptions.ExtraArguments))] = "--ffmpeg-arg",
        [InvalidOptionException.NameOf<PreviewRequest>(nameof(PreviewRequest.Crop))] = "--crop",
        [InvalidOptionException.NameOf<PreviewRequest>(nameof(PreviewRequest.AtSeconds))] = "--at",
    };

    /// <summary>The libraries' messages name no flag; where the fix is one, the CLI names it.</summary>
    public static string InCliWords(Exception ex) => ex switch
    {
        OutputExistsException exists => $"{exists.Path} exists; pass --overwrite to replace it.",
        Decoder.Images.ImageTooLargeException large => $"{large.Message} Pass --max-pixels to allow larger pictures.",
        Encoder.Video.StreamsNotCarriedException streams => $"{streams.Message} Pass --drop-unsupported to leave {(streams.Streams.Count == 1 ? "it" : "them")} out.",
        InvalidOptionException { Option: var option } bad when Flags.TryGetValue(option, out string? flag) => $"{flag} {bad.Requirement}.",
        ModelNotFoundException { IsUntrainedPreset: true, ModelName: { } name } missing => UntrainedPreset(name, missing.RunFolder),
        FfmpegNotFoundException { Executable: { } executable } => Path.IsPathRooted(executable)
            ? $"{executable} was not found. Install ffmpeg (for example `apt-get install ffmpeg`) or set {ToolEnvironment.FfmpegFolderVariable} to the folder that holds it."
            : $"{executable} was not found on PATH. Install ffmpeg (for example `apt-get install ffmpeg`) or set {ToolEnvironment.FfmpegFolderVariable}.",
        CudaUnavailableException => $"{CudaUnavailableException.Reason}, or use --device cpu.",
        Decoder.Video.MissingFramesException missing => $"{missing.Message} Without --strict the frames that decode are upscaled, with a warning.",
        TruncatedFrameException cut => $"{TruncatedFrameException.Describe(cut.Frame, cut.BytesRead, cut.FrameBytes)} Check --size and --pix-fmt against what the host sends.",
        _ => ex.Message,
    };

    private static string UntrainedPreset(string name, string? runFolder) =>
        $"No trained weights for '{name}' ship with this build yet. Train them with:\n" +
        $"  seranet train --preset {name} --data data/train -o models/{name}{ModelFile.Extension}\n" +
        "(see README, \"Training\"), or pass a .srnv file with --model." +
        (runFolder is null ? "" : $"\nA training run is under way: its checkpoint, log and command are in {runFolder}; continue it with that command and --resume.");

    public static bool IsUserFacing(Exception ex) => ex is FfmpegException or InvalidDataException or FileNotFoundException
        or DirectoryNotFoundException or ModelNotFoundException or IOException or ArgumentException or InvalidOperationException
        or UnauthorizedAccessException;
}
