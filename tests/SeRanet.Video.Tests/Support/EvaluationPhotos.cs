using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Support;

/// <summary>The public evaluation photos (data/eval) as the networks take them, for tests that run a network directly.</summary>
public static class EvaluationPhotos
{
    /// <summary>A photo of data/eval as an RGB tensor [1, 3, H, W] with values in [0, 1].</summary>
    public static async Task<Tensor> RgbTensor(string fileName)
    {
        var planes = await Planes(fileName);
        return tensor(planes.Data, [1, 3, planes.Height, planes.Width]);
    }

    /// <summary>A photo of data/eval as RGB planes with values in [0, 1].</summary>
    public static async Task<ImagePlanes> Planes(string fileName)
    {
        string path = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), fileName);
        using var frame = await ImageFileReader.ReadAsync(path, FfmpegLocation.OnPath);
        return ImagePlanes.FromFrame(frame);
    }

    /// <summary>A split/splice network's sigmoid ("CRBM") path, to run on its own.</summary>
    public static nn.Module<Tensor, Tensor> SigmoidPath(SplitSpliceNet network) =>
        (nn.Module<Tensor, Tensor>)network.named_children().Single(child => child.name == "crbm_path").module;
}
