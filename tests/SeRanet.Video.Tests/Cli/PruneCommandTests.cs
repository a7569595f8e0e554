using SeRanet.Video.Cli;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// <c>seranet prune</c> writes a fusion model without its saturated sigmoid path, says so in the
/// model's header, and refuses (writing nothing) a live path, a model without one, or a missing
/// photo folder.
/// </summary>
[Trait("Category", "Integration")]
public class PruneCommandTests
{
    [Fact]
    public void A_saturated_model_is_written_without_its_sigmoid_path_and_says_so()
    {
        using var temp = new TempFolder();
        string source = SavedNetwork(temp, "saturated", crbmBias: -14);
        string output = temp.File("pruned" + ModelFile.Extension);

        var (code, text) = Processes.Seranet(["prune", source, "-o", output, "--data", Photos(temp)]);
        Assert.True(code == ExitCodes.Success, text);
        Assert.Contains("without its sigmoid path", text, StringComparison.Ordinal);
        Assert.Contains("on 9 pictures", text, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, Processes.Seranet(["prune", source, "-o", output, "--data", Photos(temp)]).ExitCode);

        using var pruned = ModelFile.Load(output);
        var options = ArchitectureRegistry.SplitSpliceOptionsOf(pruned.Header);
        Assert.False(options.Fusion);
        Assert.Equal("saturated-pruned", pruned.Header.Name);
        Assert.Single(pruned.Header.Conversions!);
        Assert.StartsWith("seranet prune:", pruned.Header.Conversions![0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_live_sigmoid_path_is_refused_and_nothing_is_written()
    {
        using var temp = new TempFolder();
        string source = SavedNetwork(temp, "live", crbmBias: null);
        string output = temp.File("pruned" + ModelFile.Extension);

        var (code, text) = Processes.Seranet(["prune", source, "-o", output, "--data", Photos(temp)]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("not saturated enough", text, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_missing_photo_folder_is_a_clear_error()
    {
        using var temp = new TempFolder();
        string source = SavedNetwork(temp, "saturated", crbmBias: -14);
        string output = temp.File("pruned" + ModelFile.Extension);

        var (code, text) = Processes.Seranet(["prune", source, "-o", output, "--data", temp.File("no-such-folder")]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Photo folder not found", text, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_model_without_a_sigmoid_path_is_refused()
    {
        using var temp = new TempFolder();
        string source = SavedNetwork(temp, "saturated", crbmBias: -14);
        string once = temp.File("once" + ModelFile.Extension);
        Assert.Equal(ExitCodes.Success, Processes.Seranet(["prune", source, "-o", once, "--data", Photos(temp)]).ExitCode);

        var (code, text) = Processes.Seranet(["prune", once, "-o", temp.File("twice" + ModelFile.Extension), "--data", Photos(temp)]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("has no sigmoid path to prune", text, StringComparison.Ordinal);
    }

    /// <summary>A fresh RGB seranet-fast-deep network saved as a model file; a very negative last sigmoid bias saturates its path.</summary>
    private static string SavedNetwork(TempFolder temp, string name, float? crbmBias)
    {
        torch.manual_seed(5);
        var options = Presets.Get(Presets.SeRanetFastDeep, channels: 3);
        using var network = new SplitSpliceNet(name, options);
        if (crbmBias is { } bias)
        {
            using var noGrad = torch.no_grad();
            network.state_dict()["crbm_path.conv3.bias"].fill_(bias);
        }
        string path = temp.File(name + ModelFile.Extension);
        ModelFile.Save(path, network, ModelFile.HeaderFor(name, options, ColorMode.Rgb));
        return path;
    }

    /// <summary>A folder holding the sample photo, to check a fold on.</summary>
    private static string Photos(TempFolder temp)
    {
        string folder = temp.File("photos");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(RepoPaths.Samples, "photo.png"), Path.Combine(folder, "photo.png"), overwrite: true);
        return folder;
    }
}
