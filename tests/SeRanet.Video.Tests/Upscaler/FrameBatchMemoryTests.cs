using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Inference;
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
}
