using SeRanet.Video.Cli;
using SeRanet.Video.Cli.Console;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Files;
using SeRanet.Video.Core.Options;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Plugin;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Evaluation;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// The CLI is the one place that reads the tool's environment (SERANET_FFMPEG_DIR, PATH,
/// SERANET_MODELS, where the tool sits) and words the engine's refusals with its flags.
/// </summary>
public class ToolEnvironmentTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Models_come_from_the_variable_then_beside_the_tool_then_the_clone()
    {
        string tool = Path.Combine(RepoPaths.Root, "artifacts", "cli");

        var catalog = ToolEnvironment.ModelsFrom(_temp.Path, tool);

        Assert.Equal([_temp.Path, Path.Combine(tool, "models"), RepoModels.Folder], catalog.Folders);
    }

    [Fact]
    public void An_installed_tool_without_the_variable_looks_only_beside_itself()
    {
        var catalog = ToolEnvironment.ModelsFrom(null, _temp.Path);

        Assert.Equal([Path.Combine(_temp.Path, "models")], catalog.Folders);
    }

    [Fact]
    public void The_tool_as_built_finds_the_shipped_models_of_its_clone()
    {
        Assert.Contains(Presets.SeRanetFast, ToolEnvironment.Models.Available());
    }

    [Fact]
    public void Ffmpeg_comes_from_the_folder_variable_else_from_path()
    {
        string bin = Path.Combine(_temp.Path, "bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "ffprobe"), "");

        Assert.Equal(FfmpegLocation.InFolder("/opt/ff"), ToolEnvironment.FfmpegFrom("/opt/ff", bin));
        // Found on PATH: the full path; not found: the bare name, which fails to start with a clear message.
        Assert.Equal(new FfmpegLocation("ffmpeg", Path.Combine(bin, "ffprobe")), ToolEnvironment.FfmpegFrom(null, $"{_temp.File("none")}{Path.PathSeparator}{bin}"));
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_named_with_the_variable_that_points_at_it()
    {
        // A name no PATH holds, and a folder that does not hold the tool, as SERANET_FFMPEG_DIR would give.
        var onPath = await Assert.ThrowsAsync<FfmpegNotFoundException>(() => FfmpegProcess.RunForTextAsync("seranet-no-such-ffprobe", ["-version"], "probing", CancellationToken.None));
        var inFolder = await Assert.ThrowsAsync<FfmpegNotFoundException>(() =>
            FfmpegProcess.RunForTextAsync(ToolEnvironment.FfmpegFrom(_temp.Path, null).Ffprobe, ["-version"], "probing", CancellationToken.None));

        Assert.All(new[] { onPath, inFolder }, error => Assert.DoesNotContain(ToolEnvironment.FfmpegFolderVariable, error.Message, StringComparison.Ordinal));
        Assert.Equal("seranet-no-such-ffprobe was not found on PATH. Install ffmpeg (for example `apt-get install ffmpeg`) or set SERANET_FFMPEG_DIR.", CommandErrors.InCliWords(onPath));
        Assert.Equal($"{_temp.File("ffprobe")} was not found. Install ffmpeg (for example `apt-get install ffmpeg`) or set SERANET_FFMPEG_DIR to the folder that holds it.", CommandErrors.InCliWords(inFolder));
    }

    public static TheoryData<string, string, string> RefusedOptions => new()
    {
        { InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.SkipFlat)), "is a probability, between 0 and 1", "--skip-flat is a probability, between 0 and 1." },
        { InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.DataFolders)), "needs at least one folder of training images", "--data needs at least one folder of training images." },
        { InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.ExtraScales)), "takes shrink factors between 0 and 1", "--scales takes shrink factors between 0 and 1." },
        { InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.Pretrain)), "starts a fresh network", "--pretrain starts a fresh network." },
        { InvalidOptionException.NameOf<TrainerOptions>(nameof(TrainerOptions.PretrainSteps)), "must be at least 1", "--pretrain-steps must be at least 1." },
        { InvalidOptionException.NameOf<EncoderOptions>(nameof(EncoderOptions.Crf)), "for libx264 takes 0 to 51, not 99", "--crf for libx264 takes 0 to 51, not 99." },
        { InvalidOptionException.NameOf<EncoderOptions>(nameof(EncoderOptions.Preset)), "for libx264 takes ultrafast", "--encoder-preset for libx264 takes ultrafast." },
        { "PreviewRequest.Crop", "1,2,3,4 is not inside the 8x8 frame", "--crop 1,2,3,4 is not inside the 8x8 frame." },
        { "PreviewRequest.AtSeconds", "9 s is past the end of the video (1.000 s)", "--at 9 s is past the end of the video (1.000 s)." },
    };

    [Theory]
    [MemberData(nameof(RefusedOptions))]
    public void A_refused_option_is_worded_with_its_flag(string option, string requirement, string expected)
    {
        var error = new InvalidOptionException(option, requirement);

        Assert.Equal($"{option} {requirement}.", error.Message);
        Assert.Equal(expected, CommandErrors.InCliWords(error));
    }

    [Fact]
    public void The_options_the_engine_refuses_all_have_a_flag()
    {
        var refused = new List<InvalidOptionException>();
        foreach (var options in new[]
        {
            new TrainerOptions { Architecture = Presets.Get(Presets.SeRanetFast, 3), DataFolders = [], OutputPath = "m.srnv", RunFolder = "r" },
            new TrainerOptions { Architecture = Presets.Get(Presets.SeRanetFast, 3), DataFolders = [RepoPaths.Samples], OutputPath = "m.srnv", RunFolder = "r", SkipFlat = 2 },
            new TrainerOptions { Architecture = Presets.Get(Presets.SeRanetFast, 3), DataFolders = [RepoPaths.Samples], OutputPath = "m.srnv", RunFolder = "r", EdgeCrops = -1 },
            new TrainerOptions { Architecture = Presets.Get(Presets.SeRanetFast, 3), DataFolders = [RepoPaths.Samples], OutputPath = "m.srnv", RunFolder = "r", ExtraScales = [2] },
            new TrainerOptions { Architecture = Presets.Get(Presets.SeRanetFast, 3), DataFolders = [RepoPaths.Samples], OutputPath = "m.srnv", RunFolder = "r", FullSize = false },
            new TrainerOptions { Architecture = Presets.Get(Presets.SeRanetFastDeepNoFusion, 3), DataFolders = [RepoPaths.Samples], OutputPath = "m.srnv", RunFolder = "r", Pretrain = PretrainKind.Crbm },
            new TrainerOptions { Architecture = Presets.Get(Presets.SeRanetFast, 3), DataFolders = [RepoPaths.Samples], OutputPath = "m.srnv", RunFolder = "r", PretrainSteps = 0 },
        })
        {
            refused.Add(Assert.Throws<InvalidOptionException>(options.Validate));
        }
        refused.Add(EncoderOptions.CheckQuality("ffv1", 10, null)!);
        refused.Add(EncoderOptions.CheckQuality("libsvtav1", null, "fast")!);
        foreach (var error in refused)
        {
            Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
            Assert.StartsWith("--", CommandErrors.InCliWords(error), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Untrained_presets_are_worded_with_the_training_command()
    {
        var error = new ModelNotFoundException(Presets.SeRanetFastD4, "engine words") { IsUntrainedPreset = true, RunFolder = "/models/seranet-fast-d4" };

        string words = CommandErrors.InCliWords(error);

        Assert.StartsWith("No trained weights for 'seranet-fast-d4' ship with this build yet. Train them with:\n  seranet train --preset seranet-fast-d4 --data data/train -o models/seranet-fast-d4.srnv\n", words, StringComparison.Ordinal);
        Assert.EndsWith("in /models/seranet-fast-d4; continue it with that command and --resume.", words, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_refusals_name_their_flags_in_the_cli_only()
    {
        var cuda = new CudaUnavailableException($"{CudaUnavailableException.Reason}, or run on the CPU.");
        var cut = new TruncatedFrameException(3, 10, 720);
        var exists = new OutputExistsException("out.png");

        Assert.EndsWith("or use --device cpu.", CommandErrors.InCliWords(cuda), StringComparison.Ordinal);
        Assert.Equal("The input ended inside frame 3: 10 of 720 bytes. Check --size and --pix-fmt against what the host sends.", CommandErrors.InCliWords(cut));
        Assert.Equal("out.png exists; pass --overwrite to replace it.", CommandErrors.InCliWords(exists));
        Assert.All(new Exception[] { cuda, cut, exists }, error => Assert.DoesNotContain(" --", error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_degradation_is_a_usage_error_naming_the_flag()
    {
        Assert.DoesNotContain("--", Assert.Throws<FormatException>(() => InputDegradation.Parse("webp:3")).Message, StringComparison.Ordinal);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int exitCode = await SeranetCli.InvokeAsync(["eval", "--data", "d", "--degrade", "webp:3"], new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr });

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith($"error: --degrade wants {InputDegradation.Syntax}, not 'webp:3'.", stderr.ToString(), StringComparison.Ordinal);
    }
}
