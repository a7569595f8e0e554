namespace SeRanet.Video.Core.Files;

/// <summary>
/// A job would replace an existing file and was not asked to. The libraries say only that; each
/// shell says how its user asks (the CLI: --overwrite).
/// </summary>
public sealed class OutputExistsException(string path)
    : IOException($"{path} exists and replacing it was not asked for.")
{
    public string Path { get; } = path;
}
