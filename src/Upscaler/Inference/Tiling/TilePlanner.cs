namespace SeRanet.Video.Upscaler.Inference.Tiling;

/// <summary>A tile of the input image, in input pixels, before context is added.</summary>
public readonly record struct TileRect(int X, int Y, int Width, int Height);

/// <summary>
/// Covers an image with tiles that all have the same size, so they batch together: the last
/// tile of each row and column is moved back to end at the image edge, overlapping its
/// neighbour, instead of being cut short. Overlaps are written twice with the same values.
/// </summary>
public static class TilePlanner
{
    public static IReadOnlyList<TileRect> Plan(int width, int height, int tileSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        int tileWidth = Math.Min(tileSize, width);
        int tileHeight = Math.Min(tileSize, height);
        var tiles = new List<TileRect>();
        foreach (int y in Starts(height, tileHeight))
        {
            foreach (int x in Starts(width, tileWidth))
            {
                tiles.Add(new TileRect(x, y, tileWidth, tileHeight));
            }
        }
        return tiles;
    }

    private static IEnumerable<int> Starts(int length, int tile)
    {
        for (int start = 0; ; start += tile)
        {
            if (start + tile >= length)
            {
                yield return length - tile;
                yield break;
            }
            yield return start;
        }
    }

    /// <summary>
    /// The largest tile (in input pixels per side) whose forward pass fits <paramref name="memoryBudgetBytes"/>,
    /// given the network's activation floats per pixel and its context.
    /// </summary>
    public static int AutoTileSize(long activationFloatsPerPixel, int padding, long memoryBudgetBytes)
    {
        double pixels = memoryBudgetBytes / (4.0 * Math.Max(1, activationFloatsPerPixel));
        int side = (int)Math.Sqrt(pixels) - 2 * padding;
        return Math.Clamp(side, 32, 2048);
    }
}
