using SeRanet.Video.Upscaler.Inference.Tiling;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// Runs a 2x network over a batch of images in tiles. Each tile carries the network's full
/// context, cut from the once-padded image, so tiled output equals whole-image output; tiles
/// are batched across positions and images, one dispose scope per forward pass.
/// </summary>
public static class TiledInference
{
    /// <param name="network">Maps [B, C, h + 2P, w + 2P] to [B, C, 2h, 2w].</param>
    /// <param name="input">[N, C, H, W] on any device.</param>
    /// <param name="padding">P, the network's context per side.</param>
    /// <param name="tileSize">Tile side in input pixels.</param>
    /// <param name="maxBatch">Tiles per forward pass.</param>
    /// <returns>[N, C, 2H, 2W] on the input's device, in the caller's dispose scope.</returns>
    public static Tensor Run(Func<Tensor, Tensor> network, Tensor input, int padding, int tileSize, int maxBatch)
    {
        long n = input.shape[0];
        long channels = input.shape[1];
        int height = (int)input.shape[2];
        int width = (int)input.shape[3];
        var tiles = TilePlanner.Plan(width, height, tileSize);

        Tensor output = torch.empty([n, channels, 2L * height, 2L * width], dtype: input.dtype, device: input.device);
        using Tensor padded = padding > 0
            ? nn.functional.pad(input, [padding, padding, padding, padding], PaddingModes.Replicate)
            : input.alias();

        // Every (image, tile) pair is one work item; items share a tile size, so any of them batch together.
        var items = (from tile in tiles from image in Enumerable.Range(0, (int)n) select (image, tile)).ToList();
        for (int start = 0; start < items.Count; start += maxBatch)
        {
            using var scope = torch.NewDisposeScope();
            var chunk = items.GetRange(start, Math.Min(maxBatch, items.Count - start));
            Tensor batch = torch.stack(chunk.Select(item => padded[item.image,
                ..,
                TensorIndex.Slice(item.tile.Y, item.tile.Y + item.tile.Height + 2 * padding),
                TensorIndex.Slice(item.tile.X, item.tile.X + item.tile.Width + 2 * padding)]));
            Tensor result = network(batch);
            for (int i = 0; i < chunk.Count; i++)
            {
                var (image, tile) = chunk[i];
                output[image,
                    ..,
                    TensorIndex.Slice(2 * tile.Y, 2 * (tile.Y + tile.Height)),
                    TensorIndex.Slice(2 * tile.X, 2 * (tile.X + tile.Width))].copy_(result[i]);
            }
        }
        return output;
    }
}
