using System.Xml.Linq;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Build;

/// <summary>
/// The projects follow the layers: Core under everything; the decoder, encoder and the inference
/// library each on Core alone; training on top of the inference library and the media projects;
/// the plugin on inference (never training); the tool over all. Reading the csproj files keeps a
/// convenient reference from quietly turning the inference library into a training one.
/// </summary>
public class ProjectLayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["SeRanet.Video.Core"] = [],
        ["SeRanet.Video.Decoder"] = ["SeRanet.Video.Core"],
        ["SeRanet.Video.Encoder"] = ["SeRanet.Video.Core"],
        ["SeRanet.Video.Upscaler"] = ["SeRanet.Video.Core"],
        ["SeRanet.Video.Training"] = ["SeRanet.Video.Core", "SeRanet.Video.Decoder", "SeRanet.Video.Encoder", "SeRanet.Video.Upscaler"],
        // The engine's entry points (video and image jobs, preview, the frame filter) join decoding, inference and encoding.
        ["SeRanet.Video.Plugin"] = ["SeRanet.Video.Core", "SeRanet.Video.Decoder", "SeRanet.Video.Encoder", "SeRanet.Video.Upscaler"],
        // libseranet: the planar entry point behind a C ABI, compiled ahead of time for media-tool plugins.
        ["SeRanet.Video.Native"] = ["SeRanet.Video.Core", "SeRanet.Video.Upscaler", "SeRanet.Video.Plugin"],
        ["SeRanet.Video.Cli"] = ["SeRanet.Video.Core", "SeRanet.Video.Decoder", "SeRanet.Video.Encoder", "SeRanet.Video.Upscaler", "SeRanet.Video.Training", "SeRanet.Video.Plugin"],
    };

    // Packages that belong to training, evaluation or media files, not to running a network.
    private static readonly string[] NotForInference = ["ScottPlot", "SkiaSharp"];

    private static IEnumerable<string> SourceProjects() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories);

    private static string Name(string csproj) => Path.GetFileNameWithoutExtension(csproj);

    private static List<string> ProjectReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();

    private static List<string> PackageReferences(string csproj) =>
        XDocument.Load(csproj).Descendants("PackageReference").Select(reference => reference.Attribute("Include")!.Value).ToList();

    [Fact]
    public void Every_source_project_is_in_the_layer_table()
    {
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), SourceProjects().Select(Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Source_projects_reference_only_the_layers_below_them()
    {
        var outside = SourceProjects()
            .SelectMany(csproj => ProjectReferences(csproj)
                .Where(reference => !Allowed.GetValueOrDefault(Name(csproj), []).Contains(reference))
                .Select(reference => $"{Name(csproj)} -> {reference}"))
            .ToList();
        Assert.True(outside.Count == 0, "references outside the layering: " + string.Join(", ", outside));
    }

    // Besides TorchSharp, the inference library carries the ONNX writer and ONNX Runtime's managed
    // API: exporting is reading the inference form's weights, and the onnxruntime backend runs that
    // export in memory, so both belong beside the networks. Like TorchSharp, the runtime comes in as
    // its managed API only; the native runtimes are the executables' and tests' choice.
    private static readonly string[] InferencePackages = ["TorchSharp", "OnnxSharp", "Google.Protobuf", "Microsoft.ML.OnnxRuntime.Managed"];

    // Native runtimes (CPU or CUDA builds) that only executables and tests may pick.
    private static readonly string[] NativeRuntimes =
        ["libtorch-cpu-linux-x64", "TorchSharp-cuda-linux", "TorchSharp-cuda-windows", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu.Linux"];

    [Fact]
    public void The_inference_library_references_Core_TorchSharp_and_ONNX_only()
    {
        string upscaler = Path.Combine(RepoPaths.Root, "src", "Upscaler", "SeRanet.Video.Upscaler.csproj");
        Assert.Equal(["SeRanet.Video.Core"], ProjectReferences(upscaler));
        Assert.Equal(InferencePackages.Order(StringComparer.Ordinal), PackageReferences(upscaler).Order(StringComparer.Ordinal));
        Assert.Empty(PackageReferences(upscaler).Intersect(NotForInference));
    }

    [Fact]
    public void Libraries_leave_the_native_runtimes_to_the_executables()
    {
        var libraries = SourceProjects().Where(csproj => Name(csproj) != "SeRanet.Video.Cli");
        var native = libraries
            .SelectMany(csproj => PackageReferences(csproj).Intersect(NativeRuntimes).Select(package => $"{Name(csproj)} -> {package}"))
            .ToList();
        Assert.True(native.Count == 0, "libraries referencing a native runtime: " + string.Join(", ", native));
    }

    [Fact]
    public void The_plugin_does_not_carry_training()
    {
        string plugin = Path.Combine(RepoPaths.Root, "src", "Plugin", "SeRanet.Video.Plugin.csproj");
        Assert.DoesNotContain("SeRanet.Video.Training", ProjectReferences(plugin));
        Assert.Empty(PackageReferences(plugin).Intersect(NotForInference));
    }

    [Fact]
    public void Tests_reference_source_projects_only()
    {
        string tests = Path.Combine(RepoPaths.Root, "tests", "SeRanet.Video.Tests", "SeRanet.Video.Tests.csproj");
        Assert.All(ProjectReferences(tests), reference => Assert.Contains(reference, Allowed.Keys));
    }
}
