using System.Text.RegularExpressions;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// <c>--memory</c> reaches the engine's activation budget: a smaller budget gives smaller automatic
/// tiles (the model line says which), and since tiled equals whole, the same pixels.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class MemoryOptionTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private int TileOf(string output, params string[] extra)
    {
        string photo = Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png");
        var result = Processes.Seranet(["image", photo, "-o", _temp.File(output), "-m", "seranet-fast-deep", .. extra]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var match = TileSize().Match(result.Stderr);
        Assert.True(match.Success, result.Stderr);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_smaller_budget_gives_smaller_tiles_and_the_same_pixels()
    {
        int defaultTile = TileOf("default.png");
        int smallTile = TileOf("small.png", "--memory", "64M");

        Assert.True(smallTile < defaultTile, $"tile {smallTile} with --memory 64M, {defaultTile} by default");
        Assert.Equal(File.ReadAllBytes(_temp.File("default.png")), File.ReadAllBytes(_temp.File("small.png")));
    }

    [GeneratedRegex(@"\btile (\d+)\b")]
    private static partial Regex TileSize();
}
