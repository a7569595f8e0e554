using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Numerics;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Support;

/// <summary>The models that ship in the repository's models/ folder, as the tool finds them from a clone.</summary>
public static class RepoModels
{
    public static string Folder => Path.Combine(RepoPaths.Root, "models");

    public static ModelCatalog Catalog { get; } = new([Folder]);

    /// <summary>
    /// Whether bf16 runs on float32 kernels for the shipped model <paramref name="name"/> on this
    /// CPU, asked as the tool asks it: on the AMD EPYC the Y models' one-channel first layers fail
    /// the bfloat16 self-check and the RGB models' pass.
    /// </summary>
    public static bool Bf16RunsOnFp32KernelsHere(string name)
    {
        using var model = Catalog.Load(name);
        return ConvolutionGuard.Bf16KernelsRefusal(ConvolutionShape.InBfloat16(model.Network.ConvolutionShapes(NetworkForm.Inference)), CpuFeatures.HasBf16) is not null;
    }
}
