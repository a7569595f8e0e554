using System.Diagnostics;

namespace SeRanet.Video.Tests.Support;

/// <summary>Runs the real ffmpeg/ffprobe (and the built tool) from tests.</summary>
public static class Processes
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Both streams, for assertions on what a command said wherever it said it.</summary>
        public string Output => Stdout + Stderr;

        /// <summary>The exit code and <see cref="Output"/>: <c>var (code, output) = Processes.Seranet(...)</c>.</summary>
        public void Deconstruct(out int exitCode, out string output) => (exitCode, output) = (ExitCode, Output);
    }

    public static Result Run(string executable, params string[] arguments) =>
        Run(executable, arguments, environment: null, TimeSpan.FromMinutes(5));

    /// <summary>Runs with extra environment variables (a host's plugin path, say) and a time limit of its own.</summary>
    public static Result Run(string executable, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', info.ArgumentList)} took over {timeout}.");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>ffmpeg, failing the test with its stderr if it fails.</summary>
    public static void Ffmpeg(params string[] arguments)
    {
        var result = Run("ffmpeg", ["-nostdin", "-v", "error", "-y", .. arguments]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {result.Stderr}");
        }
    }

    /// <summary>The seranet tool as built.</summary>
    public static Result Seranet(params string[] arguments) => Run("dotnet", [RepoPaths.CliDll, .. arguments]);

    /// <summary>ffprobe's value of one stream entry, e.g. width.</summary>
    public static string Probe(string file, string entry, string stream = "v:0")
    {
        var result = Run("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries", $"stream={entry}", "-of", "default=nw=1:nk=1", file);
        return result.Stdout.Trim();
    }
}
