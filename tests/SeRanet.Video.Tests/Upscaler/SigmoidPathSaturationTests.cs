using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// What training did to the seed's fusion (README, "Ablations: CRBM pre-training and fusion"):
/// in every shipped seranet-fast-deep model the sigmoid path ends saturated, its output nearly the
/// same at every pixel of every picture. Pinned here with the figures the README quotes. The photo
/// and video defaults ship pruned, without that path (SigmoidPathFoldingTests), so they are not among them.
/// </summary>
public class SigmoidPathSaturationTests(ITestOutputHelper log)
{
    public static TheoryData<string> FastDeepModels() => new(
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "models"), "seranet-fast-deep*" + ModelFile.Extension)
            .Where(path => !WasPruned(ModelFile.ReadHeader(path)))
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!);

    private static bool WasPruned(ModelHeader header) =>
        (header.Conversions ?? []).Any(conversion => conversion.StartsWith(SigmoidPathFolding.ConversionPrefix, StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(FastDeepModels))]
    public async Task The_sigmoid_paths_last_layer_is_saturated_for_every_picture(string model)
    {
        using var loaded = RepoModels.Catalog.Load(model);
        var network = (SplitSpliceNet)loaded.Network;
        Assert.True(network.Options.Fusion);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();

        // Interval arithmetic over every input in [0, 1]: each layer's pre-activation lies between
        // its bias plus the smallest and the largest weighted sum of its inputs' ranges.
        var weights = network.state_dict();
        Tensor low = torch.zeros(network.Channels), high = torch.ones(network.Channels);
        Tensor lowest = low, highest = high;
        for (int i = 1; i <= network.Options.PathWidths.Count; i++)
        {
            Tensor weight = weights[$"crbm_path.conv{i}.weight"], bias = weights[$"crbm_path.conv{i}.bias"];
            Tensor positive = weight.clamp_min(0).sum([2, 3]), negative = weight.clamp_max(0).sum([2, 3]);
            lowest = bias.add(positive.matmul(low)).add(negative.matmul(high));
            highest = bias.add(positive.matmul(high)).add(negative.matmul(low));
            (low, high) = (lowest.sigmoid(), highest.sigmoid());
        }
        float top = highest.max().item<float>();
        log.WriteLine($"{model}: last sigmoid layer's pre-activation in [{lowest.min().item<float>():F2}, {top:F2}] for every picture; output in [{low.min().item<float>():E2}, {high.max().item<float>():E2}]");
        Assert.True(top < -5, $"the last sigmoid layer can reach {top:F2}: not saturated");

        // And on a real photo: the path's output hardly varies from pixel to pixel.
        Tensor photo = await EvaluationPhotos.RgbTensor("butterfly.png");
        if (network.Channels == 1)
        {
            photo = ColorSpaces.RgbToYCbCr(photo)[.., ..1];
        }
        Tensor features = EvaluationPhotos.SigmoidPath(network).call(photo);
        float spread = features.std([0, 2, 3]).max().item<float>();
        log.WriteLine($"{model}: on butterfly, largest per-channel standard deviation {spread:E2}, mean output {features.mean().item<float>():E2}");
        Assert.True(spread < 1e-3, $"the sigmoid path's output varies by {spread} on a real photo");
    }
}
