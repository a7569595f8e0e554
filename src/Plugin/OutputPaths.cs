namespace SeRanet.Video.Plugin;

/// <summary>
/// The rules every job follows before it starts: the input exists and is never the output, an
/// existing output is replaced only when asked, and the output's folder exists.
/// </summary>
public static class OutputPaths
{
    public static void Check(string input, string output, bool overwrite)
    {
        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"No such file: {input}", input);
        }
        if (string.Equals(Path.GetFullPath(input), Path.GetFullPath(output), StringComparison.Ordinal))
        {
            throw new ArgumentException($"The output {output} is the input itself; choose another name.");
        }
        if (File.Exists(output) && !overwrite)
        {
            throw new Core.Files.OutputExistsException(output);
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The output folder {folder} does not exist.");
        }
    }
}
