using SeRanet.Video.Cli;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// <c>seranet calibrate</c> writes ranges a model then finds beside itself for <c>--precision
/// int8</c>, keeps an existing file, and refuses a missing folder in one line.
/// </summary>
[Trait("Category", "Integration")]
public class CalibrateCommandTests
{
    [Fact]
    public void Ranges_written_beside_a_model_file_let_it_run_in_int8()
    {
        using var temp = new TempFolder();
        string photos = Directory.CreateDirectory(temp.File("photos")).FullName;
        foreach (string name in new[] { "butterfly.png", "chelsea.png" })
        {
            File.Copy(Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), name), Path.Combine(photos, name));
        }
        // A copy of seranet-fast in a folder of its own gets ranges of its own there.
        string model = temp.File("fast" + ModelFile.Extension);
        File.Copy(Path.Combine(RepoModels.Folder, Presets.SeRanetFast + ModelFile.Extension), model);
        string ranges = ActivationRanges.PathBeside(model);
        Assert.Equal(temp.File("fast.int8.json"), ranges);
        string[] args = ["calibrate", model, "--data", photos, "-o", ranges];

        var (code, output) = Processes.Seranet(args);
        Assert.True(code == ExitCodes.Success, output);
        Assert.Contains("over 2 photos", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, Processes.Seranet(args).ExitCode);
        Assert.Equal(ExitCodes.Success, Processes.Seranet([.. args, "--overwrite"]).ExitCode);

        using var loaded = ModelFile.Load(model);
        Assert.Equal(2, loaded.Int8Ranges?.Photos);
        Assert.Equal(loaded.Header.PayloadSha256, loaded.Int8Ranges?.WeightsSha256);
        if (CpuFeatures.HasVnni)
        {
            using var upscaler = ImageUpscaler.Open(loaded, torch.CPU, new UpscaleOptions { Backend = InferenceBackend.OnnxRuntime, Precision = InferencePrecision.Int8 });
            Assert.Equal(InferencePrecision.Int8, upscaler.Precision);
        }
    }

    [Fact]
    public void A_missing_photo_folder_is_one_error_line()
    {
        using var temp = new TempFolder();
        var (code, output) = Processes.Seranet(["calibrate", Presets.SeRanetFast, "--data", temp.File("none"), "-o", temp.File("x.int8.json")]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith("error: Photo folder not found:", output.Trim(), StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("x.int8.json")));
    }
}
