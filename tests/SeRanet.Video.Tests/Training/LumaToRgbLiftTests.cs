using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Training;

public class LumaToRgbLiftTests
{
    private static string ShippedYModel => Path.Combine(RepoModels.Folder, Presets.SeRanetFastDeep + ".srnv");

    [Fact]
    public async Task A_lifted_rgb_network_computes_the_y_models_luma_and_bicubic_chroma_on_a_real_photo()
    {
        var rgbOptions = Presets.Get(Presets.SeRanetFastDeep, channels: 3);
        using var rgbNet = new SplitSpliceNet("seranet", rgbOptions);
        CheckpointStore.CopyWeights(ShippedYModel, rgbNet, rgbOptions, "the shipped model", "none");
        using var yModel = RepoModels.Catalog.Load(Presets.SeRanetFastDeep);
        var yNet = yModel.Network.ModuleForm;
        rgbNet.eval();
        yNet.eval();

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor photo = await EvaluationPhotos.RgbTensor("butterfly.png");
        int padding = rgbOptions.Padding;
        Tensor padded = nn.functional.pad(photo, [padding, padding, padding, padding], PaddingModes.Replicate);
        Tensor rgbOut = ColorSpaces.RgbToYCbCr(rgbNet.call(padded));
        Tensor yOut = yNet.call(ColorSpaces.RgbToYCbCr(padded)[.., ..1]);
        Tensor bicubic = ColorSpaces.RgbToYCbCr(nn.functional.interpolate(photo, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bicubic, align_corners: false));

        // Clipping each RGB channel to [0, 1] is the one place the two may part: a bound, not equality.
        Assert.True(Psnr(rgbOut[.., ..1], yOut) > 50, $"luma PSNR {Psnr(rgbOut[.., ..1], yOut):F2} dB");
        Assert.True(Psnr(rgbOut[.., 1..], bicubic[.., 1..]) > 45, $"chroma PSNR {Psnr(rgbOut[.., 1..], bicubic[.., 1..]):F2} dB");
        // And it is not the bicubic image itself: the luma carries the Y network's detail.
        Assert.True(Psnr(rgbOut[.., ..1], bicubic[.., ..1]) < 40);
    }

    [Fact]
    public void A_y_model_of_another_preset_is_refused_with_the_remedy()
    {
        var rgbOptions = Presets.Get(Presets.SeRanetFast, channels: 3);
        using var rgbNet = new SplitSpliceNet("seranet", rgbOptions);
        var error = Assert.Throws<InvalidDataException>(() =>
            CheckpointStore.CopyWeights(ShippedYModel, rgbNet, rgbOptions, "The model to start from", "pick one of the same preset"));
        Assert.Contains("pick one of the same preset", error.Message);
    }

    [Fact]
    public void Tensors_without_an_rgb_form_are_named_in_the_error()
    {
        using var weight = torch.zeros(8, 2, 3, 3);
        var error = Assert.Throws<InvalidDataException>(() => LumaToRgbLift.Lift("branch.conv1.weight", weight, [8, 3, 3, 3]));
        Assert.Contains("branch.conv1.weight", error.Message);
    }

    private static double Psnr(Tensor a, Tensor b) =>
        10 * Math.Log10(1.0 / a.sub(b).square().mean().item<float>());
}
