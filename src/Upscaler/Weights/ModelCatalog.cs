using SeRanet.Video.Upscaler.Architectures;

namespace SeRanet.Video.Upscaler.Weights;

/// <summary>
/// Finds a model by path or by name. Names are looked up in the models folders (SERANET_MODELS,
/// the tool's own models/ folder, the repository's models/) as NAME.srnv, then as the checkpoint
/// of a training run kept there (NAME/checkpoint.srnv, see <see cref="RunFolderLayout"/>), then
/// among the models embedded in this assembly: only the default, so that it works with nothing
/// beside the library while the larger models stay files.
/// </summary>
public static class ModelCatalog
{
    private const string ResourcePrefix = "SeRanet.Video.Models.";

    /// <summary>The model used when none is named: the CPU preset that scored best on the public set.</summary>
    public const string DefaultName = Presets.SeRanetFastDeep;

    /// <summary>
    /// The default for video (<c>seranet upscale</c>): trained on H.264- and JPEG-compressed inputs,
    /// it beats bicubic and waifu2x on compressed frames, which real videos are, and costs about
    /// 0.8 dB on clean photos, where <see cref="DefaultName"/> stays the default (README, "Compressed input").
    /// </summary>
    public const string DefaultVideoName = "seranet-fast-deep-video";

    public static LoadedModel Load(string? nameOrPath)
    {
        string name = string.IsNullOrWhiteSpace(nameOrPath) ? DefaultName : nameOrPath;
        if (LooksLikePath(name))
        {
            return ModelFile.Load(name);
        }
        foreach (string folder in Folders())
        {
            string candidate = Path.Combine(folder, name + ModelFile.Extension);
            if (File.Exists(candidate))
            {
                return ModelFile.Load(candidate);
            }
            // A run continued across sessions ships its latest checkpoint rather than a copy of it.
            string checkpoint = Path.Combine(folder, name, RunFolderLayout.CheckpointFile);
            if (File.Exists(checkpoint))
            {
                return ModelFile.Load(checkpoint);
            }
        }
        using Stream? embedded = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourcePrefix + name + ModelFile.Extension);
        if (embedded is not null)
        {
            return ModelFile.Load(embedded, $"embedded {name}");
        }
        throw new ModelNotFoundException(name, Presets.Names.Contains(name)
            ? $"No trained weights for '{name}' ship with this build yet. Train them with:\n" +
              $"  seranet train --preset {name} --data data/train -o models/{name}{ModelFile.Extension}\n" +
              "(see README, \"Training\"), or pass a .srnv file with --model." + RunUnderWay(name)
            : $"No model named '{name}'. Available: {string.Join(", ", Available())}. Or pass a path to a .srnv file.");
    }

    /// <summary>
    /// A sentence about a training run of <paramref name="name"/> kept in the models folder
    /// (models/NAME/checkpoint.json, as long runs are committed between sessions) that has no
    /// checkpoint weights yet, or nothing.
    /// </summary>
    private static string RunUnderWay(string name)
    {
        foreach (string folder in Folders())
        {
            string run = Path.Combine(folder, name);
            if (File.Exists(Path.Combine(run, RunFolderLayout.StateFile)))
            {
                return $"\nA training run is under way: its checkpoint, log and command are in {run}; " +
                       "continue it with that command and --resume.";
            }
        }
        return "";
    }

    /// <summary>Names of the models that can be loaded by name.</summary>
    public static IReadOnlyList<string> Available()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string folder in Folders())
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*" + ModelFile.Extension))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
            foreach (string run in Directory.EnumerateDirectories(folder))
            {
                if (File.Exists(Path.Combine(run, RunFolderLayout.CheckpointFile)))
                {
                    names.Add(Path.GetFileName(run));
                }
            }
        }
        foreach (string resource in typeof(ModelCatalog).Assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                names.Add(Path.GetFileNameWithoutExtension(resource[ResourcePrefix.Length..]));
            }
        }
        return names.ToList();
    }

    /// <summary>Whether a model argument is a file path (a .srnv name or one with a folder in it) rather than a name.</summary>
    public static bool LooksLikePath(string name) =>
        name.EndsWith(ModelFile.Extension, StringComparison.OrdinalIgnoreCase)
        || name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || name.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal);

    private static IEnumerable<string> Folders()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("SERANET_MODELS");
        if (!string.IsNullOrEmpty(fromEnvironment) && Directory.Exists(fromEnvironment))
        {
            yield return fromEnvironment;
        }
        string beside = Path.Combine(AppContext.BaseDirectory, "models");
        if (Directory.Exists(beside))
        {
            yield return beside;
        }
        // Running from a clone: walk up to the repository's models/ folder.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SeRanet.Video.sln")))
            {
                string models = Path.Combine(dir.FullName, "models");
                if (Directory.Exists(models))
                {
                    yield return models;
                }
                yield break;
            }
        }
    }
}

/// <summary>A model named by the user is not available; the message says what to do.</summary>
public sealed class ModelNotFoundException : Exception
{
    public ModelNotFoundException()
    {
    }

    public ModelNotFoundException(string message)
        : base(message)
    {
    }

    public ModelNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelNotFoundException(string name, string message)
        : base(message)
    {
        ModelName = name;
    }

    public string? ModelName { get; }
}
