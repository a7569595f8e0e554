using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Inference.Tiling;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

[Trait("Category", "Numerics")]
public class TiledInferenceTests
{
    private static ImagePlanes RandomImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new ImagePlanes(3, height, width);
        for (int i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (float)random.NextDouble();
        }
        return image;
    }

    public static TheoryData<ColorMode, InferenceBackend> ColorsAndBackends() => new()
    {
        { ColorMode.Rgb, InferenceBackend.Torch },
        { ColorMode.Y, InferenceBackend.Torch },
        { ColorMode.Rgb, InferenceBackend.OnnxRuntime },
        { ColorMode.Y, InferenceBackend.OnnxRuntime },
    };

    private static ImageUpscaler Upscaler(ColorMode color, UpscaleOptions options, int seed = 7)
    {
        torch.manual_seed(seed);
        var architecture = Presets.Get(Presets.SeRanetFast, color == ColorMode.Y ? 1 : 3);
        var net = new SplitSpliceNet("seranet", architecture);
        return ImageUpscaler.Open(new LoadedModel(ModelFile.HeaderFor("t", architecture, color), net), torch.CPU, options);
    }

    [Theory]
    [MemberData(nameof(ColorsAndBackends))]
    public void Tiled_output_equals_whole_image_output(ColorMode color, InferenceBackend backend)
    {
        var image = RandomImage(53, 37, 1);
        using var whole = Upscaler(color, new UpscaleOptions { TileSize = 512, Backend = backend });
        using var tiled = Upscaler(color, new UpscaleOptions { TileSize = 16, MaxBatch = 3, Backend = backend });

        var a = whole.Upscale(image);
        var b = tiled.Upscale(image);

        float maxDifference = a.Data.Zip(b.Data, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(maxDifference <= 1f / 255, $"tiled differs from whole by {maxDifference * 255:F3}/255");
    }

    // The shipped default weights, not an untrained net: a seam shows as an error far above float rounding.
    [Theory]
    [InlineData(InferenceBackend.Torch)]
    [InlineData(InferenceBackend.OnnxRuntime)]
    public void Tiled_output_with_the_default_weights_equals_whole_image_output(InferenceBackend backend)
    {
        var image = RandomImage(53, 37, 5);
        using var whole = ImageUpscaler.Open(ModelCatalog.EmbeddedOnly.Load(null), torch.CPU, new UpscaleOptions { TileSize = 512, Backend = backend });
        using var tiled = ImageUpscaler.Open(ModelCatalog.EmbeddedOnly.Load(null), torch.CPU, new UpscaleOptions { TileSize = 16, MaxBatch = 3, Backend = backend });

        var a = whole.Upscale(image);
        var b = tiled.Upscale(image);

        float maxDifference = a.Data.Zip(b.Data, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(maxDifference <= 1e-4f, $"tiled differs from whole by {maxDifference:E2}");
    }

    [Theory]
    [InlineData(1, 1, 2, 2, 2)]
    [InlineData(37, 23, 2, 74, 46)]
    [InlineData(37, 23, 4, 148, 92)]
    [InlineData(37, 23, 3, 111, 69)]
    [InlineData(10, 7, 1.5, 15, 11)]
    public void Output_size_follows_the_scale_for_odd_sizes(int width, int height, double scale, int expectedWidth, int expectedHeight)
    {
        using var upscaler = Upscaler(ColorMode.Rgb, new UpscaleOptions { Scale = scale });

        var output = upscaler.Upscale(RandomImage(width, height, 2));

        Assert.Equal((expectedWidth, expectedHeight), (output.Width, output.Height));
        Assert.All(output.Data, v => Assert.InRange(v, 0f, 1f));
    }

    [Theory]
    [InlineData(InferenceBackend.Torch)]
    [InlineData(InferenceBackend.OnnxRuntime)]
    public void Frames_batched_together_match_frames_run_alone(InferenceBackend backend)
    {
        using var upscaler = Upscaler(ColorMode.Rgb, new UpscaleOptions { TileSize = 20, Backend = backend });
        var first = RandomImage(30, 22, 3);
        var second = RandomImage(30, 22, 4);

        var together = upscaler.Upscale([first, second]);
        var alone = upscaler.Upscale(second);

        Assert.True(together[1].Data.Zip(alone.Data, (x, y) => Math.Abs(x - y)).Max() <= 1f / 255);
    }

    [Theory]
    [InlineData(100, 60, 32)]
    [InlineData(31, 31, 32)]
    [InlineData(65, 33, 16)]
    public void Tile_plan_covers_every_pixel_with_equal_tiles(int width, int height, int tile)
    {
        var tiles = TilePlanner.Plan(width, height, tile);

        var covered = new bool[width * height];
        foreach (var t in tiles)
        {
            Assert.Equal((Math.Min(tile, width), Math.Min(tile, height)), (t.Width, t.Height));
            Assert.InRange(t.X, 0, width - t.Width);
            Assert.InRange(t.Y, 0, height - t.Height);
            for (int y = t.Y; y < t.Y + t.Height; y++)
            {
                for (int x = t.X; x < t.X + t.Width; x++)
                {
                    covered[y * width + x] = true;
                }
            }
        }
        Assert.All(covered, Assert.True);
    }
}
