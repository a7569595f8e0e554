using SeRanet.Video.Core.Imaging.Planar;

namespace SeRanet.Video.Upscaler.Inference.Planar;

/// <summary>The model stage for planar frames: each batch is upscaled into new frames of the output size.</summary>
/// <param name="upscale">Upscales a batch of inputs into outputs of the output size (called on the stage's thread).</param>
/// <param name="outputSize">Output size for an input size.</param>
public sealed class PlanarUpscaleStage(Action<IReadOnlyList<PlanarImage>, IReadOnlyList<PlanarImage>> upscale,
    Func<int, int, (int Width, int Height)> outputSize, int framesPerBatch)
    : BatchedModelStage<PlanarFrame>(batch => UpscaleInto(batch, upscale, outputSize), framesPerBatch)
{
    private static List<PlanarFrame> UpscaleInto(IReadOnlyList<PlanarFrame> batch, Action<IReadOnlyList<PlanarImage>, IReadOnlyList<PlanarImage>> upscale,
        Func<int, int, (int Width, int Height)> outputSize)
    {
        var (width, height) = outputSize(batch[0].Width, batch[0].Height);
        var results = batch.Select(f => PlanarFrame.Rent(width, height, f.Format, f.Index, f.Pts)).ToList();
        try
        {
            upscale([.. batch.Select(f => f.Image)], [.. results.Select(f => f.Image)]);
            return results;
        }
        catch
        {
            results.ForEach(f => f.Dispose());
            throw;
        }
    }
}
