using System.Text.Json;
using SeRanet.Video.Cli;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// <c>seranet models</c> names each command's default, and every default it names is a model the
/// tool can load by name: a default that does not ship would fail every run that leaves out --model.
/// </summary>
[Trait("Category", "Integration")]
public class ModelsCommandTests
{
    [Fact]
    public void Every_default_is_listed_and_loads()
    {
        var result = Processes.Seranet("models", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);

        using var report = JsonDocument.Parse(result.Stdout);
        var defaults = report.RootElement.GetProperty("defaults").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(ModelCatalog.DefaultImageName, defaults["image"]);
        Assert.Equal(ModelCatalog.DefaultVideoName, defaults["upscale"]);
        Assert.Equal(ModelCatalog.DefaultVideoName, defaults["preview"]);
        Assert.Equal(ModelCatalog.DefaultName, defaults["filter"]);

        var listed = report.RootElement.GetProperty("models").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("default_for").EnumerateArray().Select(u => u.GetString()!).ToList());
        foreach (var (use, model) in defaults)
        {
            Assert.Contains(use, listed[model]);
            using var loaded = ToolEnvironment.Models.Load(model);
            Assert.Equal(model, loaded.Header.Name);
        }
    }
}
