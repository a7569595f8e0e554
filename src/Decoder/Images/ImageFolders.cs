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

    /// <summary>
    /// The images in <paramref name="folder"/>, for a command that cannot work without some: a
    /// missing folder or one without images is an error that names it.
    /// </summary>
    /// <param name="missingFolderMessage">What to say when the folder does not exist (it names the folder itself).</param>
    public static IReadOnlyList<string> RequireImages(string folder, string missingFolderMessage)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(missingFolderMessage);
        }
        var images = FindImages([folder]);
        return images.Count > 0 ? images : throw new FileNotFoundException($"No images in {folder}.");
    }
}
