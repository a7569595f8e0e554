namespace SeRanet.Video.Plugin;

/// <summary>
/// The rules every job follows before it starts: the input exists and is never the output, an
/// existing output is replaced only when asked, and the output's folder exists.
/// </summary>
public static class OutputPaths
{
    public static void Check(string input, string output, bool overwrite)
    {
        if (input == "-")
        {
            throw new ArgumentException("Reading from standard input is not supported here; save the stream to a file first.");
        }
        if (!File.Exists(input))
        {
            throw new FileNotFoundException($"No such file: {input}", input);
        }
        // A pipe, FIFO or device reports no length. Jobs read their input more than once (probing,
        // then decoding), and the first reader would drain a pipe and leave the second waiting forever.
        if (new FileInfo(input).Length == 0)
        {
            throw new InvalidDataException($"{input} is empty or not a regular file (a pipe or a device); give a video or image file.");
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
