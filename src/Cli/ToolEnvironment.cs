using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli;

/// <summary>
/// The tool's settings that come from its environment, read here and nowhere else and handed to
/// the engine as options (the engine reads none): where ffmpeg is, and where model names are
/// looked up. Read on each use, as they were when the libraries read them themselves.
/// </summary>
internal static class ToolEnvironment
{
    /// <summary>A folder holding ffmpeg and ffprobe, used instead of PATH.</summary>
    public const string FfmpegFolderVariable = "SERANET_FFMPEG_DIR";

    /// <summary>A folder of models searched first.</summary>
    public const string ModelsVariable = "SERANET_MODELS";

    private const string SolutionFile = "SeRanet.Video.sln";

    /// <summary>SERANET_FFMPEG_DIR when set; else each tool as found on PATH (left bare when it is not, so starting it fails with a clear message).</summary>
    public static FfmpegLocation Ffmpeg => FfmpegFrom(Environment.GetEnvironmentVariable(FfmpegFolderVariable), Environment.GetEnvironmentVariable("PATH"));

    /// <summary>
    /// SERANET_MODELS, then the models/ folder beside the tool (a build or an install), then, when
    /// the tool runs from a clone (<c>./seranet</c>, the tests), the repository's models/ folder.
    /// </summary>
    public static ModelCatalog Models => ModelsFrom(Environment.GetEnvironmentVariable(ModelsVariable), AppContext.BaseDirectory);

    /// <summary>The ffmpeg location for these values of SERANET_FFMPEG_DIR and PATH.</summary>
    internal static FfmpegLocation FfmpegFrom(string? folder, string? path)
    {
        if (!string.IsNullOrEmpty(folder))
        {
            return FfmpegLocation.InFolder(folder);
        }
        var onPath = FfmpegLocation.OnPath;
        return new FfmpegLocation(FindOnPath(onPath.Ffmpeg, path) ?? onPath.Ffmpeg, FindOnPath(onPath.Ffprobe, path) ?? onPath.Ffprobe);
    }

    /// <summary>The model folders for this value of SERANET_MODELS and a tool in <paramref name="toolFolder"/>.</summary>
    internal static ModelCatalog ModelsFrom(string? modelsVariable, string toolFolder)
    {
        var folders = new List<string>();
        if (!string.IsNullOrEmpty(modelsVariable))
        {
            folders.Add(modelsVariable);
        }
        folders.Add(Path.Combine(toolFolder, "models"));
        if (CloneRoot(toolFolder) is { } root)
        {
            folders.Add(Path.Combine(root, "models"));
        }
        return new ModelCatalog(folders);
    }

    /// <summary>The repository the tool was built in, found by walking up to its solution file; null for an installed tool.</summary>
    private static string? CloneRoot(string toolFolder)
    {
        for (var dir = new DirectoryInfo(toolFolder); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static string? FindOnPath(string name, string? path)
    {
        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", ""] : [""];
        foreach (string dir in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string suffix in suffixes)
            {
                string candidate = Path.Combine(dir, name + suffix);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
