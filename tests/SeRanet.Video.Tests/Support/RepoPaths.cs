namespace SeRanet.Video.Tests.Support;

/// <summary>Paths in the repository the tests run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    public static string TrainingData => Path.Combine(Root, "data", "train");

    public static string EvaluationData => Path.Combine(Root, "data", "eval");

    /// <summary>The seranet tool built beside the tests (Debug or Release, whichever these tests are).</summary>
    public static string CliDll
    {
        get
        {
            string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            string path = Path.Combine(Root, "src", "Cli", "bin", configuration, "net10.0", "seranet.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The seranet tool is not built at {path}.");
        }
    }

    /// <summary>A folder of fetched photos, or a failure that says how to fetch them.</summary>
    public static string RequireFolder(string folder)
    {
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder).Any())
        {
            throw new InvalidOperationException($"{folder} is empty; run scripts/fetch-data.sh first (.ci/run does).");
        }
        return folder;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SeRanet.Video.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Tests must run inside the repository.");
    }
}
