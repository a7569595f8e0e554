using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Support;

/// <summary>The models that ship in the repository's models/ folder, as the tool finds them from a clone.</summary>
public static class RepoModels
{
    public static string Folder => Path.Combine(RepoPaths.Root, "models");

    public static ModelCatalog Catalog { get; } = new([Folder]);
}
