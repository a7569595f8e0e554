using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Deploy;

/// <summary>
/// The shipped cluster files run for real: the Slurm job array on a one-node Slurm cluster started
/// here (tests/cluster/slurm-local.sh, as root), and the Kubernetes Indexed Job's pod command run
/// once per completion index; both must give what one run of the tool gives (framemd5).
/// </summary>
[Trait("Category", "Integration")]
public class ClusterDeployTests : IDisposable
{
    private const string SegmentSeconds = "0.64";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Clip(int frames, string name = "film.mkv")
    {
        string clip = _temp.File(name);
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000",
            "-map", "0", "-map", "1", "-frames:v", frames.ToString(CultureInfo.InvariantCulture), "-t", (frames / 25.0).ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "flac", clip);
        return clip;
    }

    private static string FrameMd5(string file)
    {
        var result = Processes.Run("ffmpeg", "-nostdin", "-v", "error", "-i", file, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "framemd5", "-");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return string.Join('\n', result.Stdout.Split('\n').Where(line => !line.StartsWith('#')));
    }

    private static string AudioPacketMd5(string file) =>
        Processes.Run("ffmpeg", "-nostdin", "-v", "error", "-i", file, "-map", "0:a", "-c", "copy", "-f", "md5", "-").Stdout.Trim();

    private string SingleRun(string input)
    {
        string single = _temp.File("single.mkv");
        var run = Processes.Seranet("upscale", input, "-o", single, "--segment-seconds", SegmentSeconds);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return single;
    }

    private static Processes.Result Run(string executable, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', arguments)} took over 10 minutes.");
        }
        return new Processes.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void A_slurm_job_array_of_three_shards_equals_one_run()
    {
        string input = Clip(60);
        string output = _temp.File("film-2x.mkv");
        string state = _temp.File("slurm");
        string script = Path.Combine(RepoPaths.Root, "tests", "cluster", "slurm-local.sh");
        var start = Processes.Run(script, "start", state);
        Assert.True(start.ExitCode == 0, start.Stderr);
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["SLURM_CONF"] = Path.Combine(state, "slurm.conf"),
                ["SERANET"] = $"dotnet {RepoPaths.CliDll}",
            };
            // One CPU per task on the command line (it overrides the script's #SBATCH line), so the three fit one small node.
            var job = Run("sbatch", environment, "--wait", "--array=0-2", "--cpus-per-task=1", $"--output={state}/task-%a.log",
                Path.Combine(RepoPaths.Root, "deploy", "slurm", "seranet-array.sbatch"), input, output, "--segment-seconds", SegmentSeconds);
            string logs = string.Join('\n', Directory.GetFiles(state, "task-*.log").Order(StringComparer.Ordinal).Select(File.ReadAllText));
            Assert.True(job.ExitCode == 0, job.Stderr + logs);
            Assert.Equal(3, Directory.GetFiles(state, "task-*.log").Length);
            Assert.Contains("shard 2/3", logs, StringComparison.Ordinal);
        }
        finally
        {
            Processes.Run(script, "stop", state);
        }

        Assert.Equal(FrameMd5(SingleRun(input)), FrameMd5(output));
        Assert.Equal(AudioPacketMd5(input), AudioPacketMd5(output));
    }

    [Fact]
    public void The_indexed_job_parses_and_its_pods_together_equal_one_run()
    {
        string manifest = Path.Combine(RepoPaths.Root, "deploy", "kubernetes", "seranet-job.yaml");
        // kubectl reads the manifest with its own types and no cluster (--local).
        var parsed = Processes.Run("kubectl", "label", "--local", "--dry-run=client", "-f", manifest, "checked=yes", "-o", "json");
        Assert.True(parsed.ExitCode == 0, parsed.Stderr);
        using var document = JsonDocument.Parse(parsed.Stdout);
        var job = document.RootElement;
        Assert.Equal("batch/v1", job.GetProperty("apiVersion").GetString());
        Assert.Equal("Job", job.GetProperty("kind").GetString());
        var spec = job.GetProperty("spec");
        Assert.Equal("Indexed", spec.GetProperty("completionMode").GetString());
        int completions = spec.GetProperty("completions").GetInt32();
        Assert.Equal(completions, spec.GetProperty("parallelism").GetInt32());
        var pod = spec.GetProperty("template").GetProperty("spec");
        Assert.Equal("Never", pod.GetProperty("restartPolicy").GetString());
        var container = pod.GetProperty("containers")[0];
        string command = container.GetProperty("args")[0].GetString()!;
        Assert.Contains($"--shard \"$JOB_COMPLETION_INDEX/{completions}\"", command, StringComparison.Ordinal);
        string mountPath = container.GetProperty("volumeMounts")[0].GetProperty("mountPath").GetString()!;
        Assert.StartsWith(mountPath + "/", command.Split(' ')[3], StringComparison.Ordinal);

        // Each pod's command, run here in turn with its index: the mount is this test's folder,
        // and seranet is the tool as built.
        string input = Clip(80, Path.GetFileName(command.Split(' ')[3]));
        string bin = _temp.File("bin");
        Directory.CreateDirectory(bin);
        string wrapper = Path.Combine(bin, "seranet");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet {RepoPaths.CliDll} \"$@\" --segment-seconds {SegmentSeconds}\n");
        Assert.Equal(0, Processes.Run("chmod", "+x", wrapper).ExitCode);
        string local = command.Replace(mountPath + "/", _temp.Path + "/", StringComparison.Ordinal);
        for (int index = 0; index < completions; index++)
        {
            var environment = new Dictionary<string, string>
            {
                ["JOB_COMPLETION_INDEX"] = index.ToString(CultureInfo.InvariantCulture),
                ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            };
            var podRun = Run("/bin/sh", environment, "-c", local);
            Assert.True(podRun.ExitCode == 0, podRun.Stderr);
            using var report = JsonDocument.Parse(podRun.Stdout);
            Assert.Equal(index == completions - 1, report.RootElement.GetProperty("segments").GetProperty("joined").GetBoolean());
        }
        string output = _temp.File(Path.GetFileName(command.Split(' ')[5]));

        Assert.Equal(FrameMd5(SingleRun(input)), FrameMd5(output));
    }
}
