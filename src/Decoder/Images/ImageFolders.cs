namespace SeRanet.Video.Decoder.Images;

/// <summary>Finds the image files in folders, for every shell that takes a folder of images (image, eval, train).</summary>
public static class ImageFolders
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"];

    /// <summary>Image files under the folders, sorted so runs are reproducible.</summary>
    public static IReadOnlyList<string> FindImages(IEnumerable<string> folders) =>
        folders.SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Where(path => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
}
