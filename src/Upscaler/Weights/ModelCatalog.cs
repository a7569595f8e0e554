using SeRanet.Video.Upscaler.Architectures;

namespace SeRanet.Video.Upscaler.Weights;

/// <summary>
/// Finds a model by path or by name. Names are looked up in the catalog's folders, in order, as
/// NAME.srnv, then as the checkpoint of a training run kept there (NAME/checkpoint.srnv, see
/// <see cref="RunFolderLayout"/>), then among the models embedded in this assembly: only the
/// default, so that it works with nothing beside the library while the larger models stay files.
/// The folders are the host's to choose (the CLI's are SERANET_MODELS, the tool's own models/
/// folder and a clone's models/); the catalog reads no setting of its own.
/// </summary>
/// <param name="folders">Folders of models, searched in order; those that do not exist are skipped.</param>
public sealed class ModelCatalog(IReadOnlyList<string> folders)
{
    private const string ResourcePrefix = "SeRanet.Video.Models.";

    /// <summary>
    /// The engine's model when none is named: embedded in the library, so every host has it, and a
    /// Y model, so the planar path (YUV hosts, the y4m filter) and the mpv shader can run it on luma.
    /// </summary>
    public const string DefaultName = Presets.SeRanetFastDeep;

    /// <summary>
    /// The default for photos (<c>seranet image</c>, <c>seranet eval</c>): <see cref="DefaultName"/>
    /// fine-tuned on R, G and B. On the public set it scores higher on every measure (Y-PSNR, RGB
    /// PSNR, SSIM) and runs faster end to end, since no colour conversion or bicubic chroma is left
    /// around the network (README, "RGB against Y").
    /// </summary>
    public const string DefaultImageName = "seranet-fast-deep-rgb";

    /// <summary>
    /// The default for video (<c>seranet upscale</c>): trained on H.264- and JPEG-compressed inputs,
    /// it beats bicubic and waifu2x on compressed frames, which real videos are, and costs about
    /// 0.8 dB on clean photos, where <see cref="DefaultImageName"/> is the default (README, "Compressed input").
    /// </summary>
    public const string DefaultVideoName = "seranet-fast-deep-video";

    /// <summary>No folders: model files by path, and the embedded default by name.</summary>
    public static ModelCatalog EmbeddedOnly { get; } = new([]);

    /// <summary>The folders searched for names, in order, as given.</summary>
    public IReadOnlyList<string> Folders { get; } = folders;

    /// <summary>Loads a model by name (see <see cref="Read"/>) and builds its network.</summary>
    public LoadedModel Load(string? nameOrPath) => Read(nameOrPath).Build();

    /// <summary>
    /// Finds a model by name or path (folders in order, then what is embedded) and reads it
    /// without building its network; <see cref="StoredModel.Build"/> does that.
    /// </summary>
    public StoredModel Read(string? nameOrPath)
    {
        string name = string.IsNullOrWhiteSpace(nameOrPath) ? DefaultName : nameOrPath;
        if (LooksLikePath(name))
        {
            return ModelFile.Read(name);
        }
        foreach (string folder in ExistingFolders())
        {
            string candidate = Path.Combine(folder, name + ModelFile.Extension);
            if (File.Exists(candidate))
            {
                return ModelFile.Read(candidate);
            }
            // A run continued across sessions ships its latest checkpoint rather than a copy of it.
            if (RunFolderLayout.ShippedCheckpoint(Path.Combine(folder, name)) is { } checkpoint)
            {
                return ModelFile.Read(checkpoint);
            }
        }
        using Stream? embedded = typeof(ModelCatalog).Assembly.GetManifestResourceStream(ResourcePrefix + name + ModelFile.Extension);
        if (embedded is not null)
        {
            return ModelFile.Read(embedded, $"embedded {name}", EmbeddedRanges(name));
        }
        if (Presets.Names.Contains(name))
        {
            string? run = RunUnderWay(name);
            throw new ModelNotFoundException(name,
                $"No trained weights for '{name}' ship with this build yet: train them (README, \"Training\") or pass a .srnv file." +
                (run is null ? "" : $"\nA training run is under way: its checkpoint, log and command are in {run}; continue it by resuming that command."))
            {
                IsUntrainedPreset = true,
                RunFolder = run,
            };
        }
        throw new ModelNotFoundException(name, $"No model named '{name}'. Available: {string.Join(", ", Available())}. Or pass a path to a .srnv file.");
    }

    /// <summary>The int8 activation ranges embedded with an embedded model, or null.</summary>
    private static ActivationRanges? EmbeddedRanges(string name)
    {
        string resource = ResourcePrefix + name + ActivationRanges.Extension;
        using Stream? stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream(resource);
        return stream is null ? null : ActivationRanges.Read(stream, $"embedded {name}{ActivationRanges.Extension}");
    }

    /// <summary>
    /// The folder of a training run of <paramref name="name"/> kept in a models folder
    /// (models/NAME/checkpoint.json, as long runs are committed between sessions) that has no
    /// checkpoint weights yet, or null.
    /// </summary>
    private string? RunUnderWay(string name)
    {
        foreach (string folder in ExistingFolders())
        {
            string run = Path.Combine(folder, name);
            if (File.Exists(Path.Combine(run, RunFolderLayout.StateFile)))
            {
                return run;
            }
        }
        return null;
    }

    /// <summary>Names of the models that can be loaded by name.</summary>
    public IReadOnlyList<string> Available()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string folder in ExistingFolders())
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*" + ModelFile.Extension))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
            foreach (string run in Directory.EnumerateDirectories(folder))
            {
                if (RunFolderLayout.ShippedCheckpoint(run) is not null)
                {
                    names.Add(Path.GetFileName(run));
                }
            }
        }
        foreach (string resource in typeof(ModelCatalog).Assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) && resource.EndsWith(ModelFile.Extension, StringComparison.Ordinal))
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

    private IEnumerable<string> ExistingFolders() => Folders.Where(Directory.Exists);
}

/// <summary>
/// A model named by the user is not available; the message says what to do in the engine's words,
/// and the properties let a shell say it in its own (the CLI names the training command and its flags).
/// </summary>
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

    /// <summary>The name is a known network shape whose weights are not here: they can be trained.</summary>
    public bool IsUntrainedPreset { get; init; }

    /// <summary>The folder of an unfinished training run of the model, when the catalog holds one.</summary>
    public string? RunFolder { get; init; }
}
