using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Inference.Planar;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

/// <summary>
/// Frames too large to hold a batch's whole-frame tensors within the memory budget go through the
/// network and the colour conversion a few at a time (1080p to 4K: one at a time, 6.1 GB of RSS
/// before, 2.3 GB after). Splitting a batch must not change a pixel, nor the order or the frames' times.
/// </summary>
[Trait("Category", "Integration")]
public class FrameBatchMemoryTests
{
    [Fact]
    public async Task A_batch_split_to_fit_the_budget_gives_the_frames_of_one_pass()
    {
        using var photo = await ImageFileReader.ReadAsync(Path.Combine(RepoPaths.RequireFolder(RepoPaths.EvaluationData), "butterfly.png"), FfmpegLocation.OnPath);
        var frames = Enumerable.Range(0, 3).Select(i =>
        {
            var frame = Frame.Rent(photo.Width, photo.Height, photo.Format, index: i, pts: 100 * i);
            photo.Data.CopyTo(frame.Data);
            frame.Data[i] ^= 0xFF; // each frame a little different, so order shows
            return frame;
        }).ToList();
        using var whole = ImageUpscaler.Open(RepoModels.Catalog.Load(ModelCatalog.DefaultName), torch.CPU, new UpscaleOptions());
        // A budget below one frame's whole-frame tensors: one frame per pass (the tiles stay as the first's).
        using var split = ImageUpscaler.Open(RepoModels.Catalog.Load(ModelCatalog.DefaultName), torch.CPU,
            new UpscaleOptions { MemoryBudgetBytes = 1 << 20, TileSize = whole.TileSize });

        var expected = whole.UpscaleFrames(frames);
        var actual = split.UpscaleFrames(frames);

        Assert.Equal(expected.Select(f => (f.Index, f.Pts)), actual.Select(f => (f.Index, f.Pts)));
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(expected[i].Data.SequenceEqual(actual[i].Data), $"frame {i} differs");
        }
        foreach (var frame in frames.Concat(expected).Concat(actual))
        {
            frame.Dispose();
        }
    }

    /// <summary>The planar path (what <c>upscale</c> takes for a Y model on YUV) splits its batches the same way, with the same result.</summary>
    [Fact]
    public void A_planar_batch_split_to_fit_the_budget_gives_the_pictures_of_one_pass()
    {
        var format = new PlaneFormat(PlaneLayout.Yuv420, 10);
        var random = new Random(5);
        var inputs = Enumerable.Range(0, 3).Select(i =>
        {
            var frame = PlanarFrame.Rent(90, 60, format, i, 100 * i);
            var span = frame.Memory.Span;
            for (int j = 0; j < span.Length; j += 2)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span[j..], (ushort)random.Next(64, 940));
            }
            return frame;
        }).ToList();
        using var wholeUpscaler = ImageUpscaler.Open(RepoModels.Catalog.Load(ModelCatalog.DefaultName), torch.CPU, new UpscaleOptions());
        using var splitUpscaler = ImageUpscaler.Open(RepoModels.Catalog.Load(ModelCatalog.DefaultName), torch.CPU,
            new UpscaleOptions { MemoryBudgetBytes = 1 << 20, TileSize = wholeUpscaler.TileSize });
        var expected = inputs.Select(f => PlanarFrame.Rent(180, 120, format, f.Index)).ToList();
        var actual = inputs.Select(f => PlanarFrame.Rent(180, 120, format, f.Index)).ToList();

        new PlanarImageUpscaler(wholeUpscaler).Upscale([.. inputs.Select(f => f.Image)], [.. expected.Select(f => f.Image)]);
        new PlanarImageUpscaler(splitUpscaler).Upscale([.. inputs.Select(f => f.Image)], [.. actual.Select(f => f.Image)]);

        for (int i = 0; i < inputs.Count; i++)
        {
            Assert.True(expected[i].Memory.Span.SequenceEqual(actual[i].Memory.Span), $"picture {i} differs");
        }
        foreach (var frame in inputs.Concat(expected).Concat(actual))
        {
            frame.Dispose();
        }
    }
}
