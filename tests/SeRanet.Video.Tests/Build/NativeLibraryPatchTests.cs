using SeRanet.Video.Tests.Support;
using TorchSharp;

namespace SeRanet.Video.Tests.Build;

/// <summary>
/// TorchSharp's native library needs GLIBCXX_3.4.32, which GCC 12's libstdc++ lacks; the build
/// marks that version need weak in its copy, only on such systems (build/TorchBackend.targets).
/// </summary>
[Trait("Category", "Build")]
public class NativeLibraryPatchTests
{
    private static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static bool SystemHasGlibcxx3432()
    {
        string mapped = File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 6 && Path.GetFileName(p[5]).StartsWith("libstdc++.so", StringComparison.Ordinal))
            .Select(p => p[5]).First();
        return File.ReadAllBytes(mapped).AsSpan().IndexOf("GLIBCXX_3.4.32\0"u8) >= 0;
    }

    [Fact]
    public void Torch_loads_and_computes_in_this_process()
    {
        using var a = torch.ones(2, 3);
        Assert.Equal(6f, a.sum().item<float>());
    }

    [Fact]
    public void The_version_need_is_weak_exactly_when_the_system_lacks_it()
    {
        var readelf = Processes.Run("readelf", "-V", OutputCopy);
        string line = readelf.Stdout.Split('\n').Single(l => l.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal));

        if (SystemHasGlibcxx3432())
        {
            Assert.Contains("Flags: none", line, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Flags: WEAK", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Only_that_flag_differs_from_the_package_copy()
    {
        string nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string original = Path.Combine(nugetRoot, "torchsharp", TorchSharpVersion(), "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        byte[] a = File.ReadAllBytes(original);
        byte[] b = File.ReadAllBytes(OutputCopy);

        Assert.Equal(a.Length, b.Length);
        int[] differing = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToArray();
        Assert.True(differing.Length <= 1, $"{differing.Length} bytes differ");
        if (differing.Length == 1)
        {
            Assert.Equal(2, a[differing[0]] ^ b[differing[0]]); // VER_FLG_WEAK
        }
    }

    [Fact]
    public void The_tool_starts_and_runs_a_network()
    {
        var result = Processes.Seranet("bench", "--preset", "seranet-fast", "--size", "32x24", "--count", "1", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("\"output_megapixels_per_second\"", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The TorchSharp version the build uses, from the central package versions.</summary>
    private static string TorchSharpVersion() =>
        System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion").Single(p => (string?)p.Attribute("Include") == "TorchSharp").Attribute("Version")!.Value;
}
