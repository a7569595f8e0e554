using SeRanet.Video.Decoder.Images;

namespace SeRanet.Video.Plugin.Images;

/// <summary>Turns what a user named (files, folders, an output file or folder) into image jobs.</summary>
public static class ImageJobPlanner
{
    /// <summary>Pairs each input image with its output path; refuses to write over an input.</summary>
    public static List<ImageJob> Plan(string[] inputs, string output, string format)
    {
        var sources = new List<string>();
        bool folderInput = false;
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                folderInput = true;
                var found = ImageFolders.FindImages([input]);
                if (found.Count == 0)
                {
                    throw new FileNotFoundException($"No images in folder {input}.");
                }
                sources.AddRange(found);
            }
            else if (File.Exists(input))
            {
                sources.Add(input);
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {input}");
            }
        }

        bool toFolder = folderInput || sources.Count > 1 || Directory.Exists(output);
        var jobs = new List<ImageJob>();
        if (toFolder)
        {
            Directory.CreateDirectory(output);
            foreach (string source in sources)
            {
                jobs.Add(new ImageJob(source, Path.Combine(output, Path.GetFileNameWithoutExtension(source) + "." + format.TrimStart('.'))));
            }
        }
        else
        {
            jobs.Add(new ImageJob(sources[0], output));
        }
        foreach (var (source, destination) in jobs)
        {
            if (string.Equals(Path.GetFullPath(source), Path.GetFullPath(destination), StringComparison.Ordinal))
            {
                throw new ArgumentException($"The output {destination} is the input itself; choose another name.");
            }
        }
        return jobs;
    }
}
