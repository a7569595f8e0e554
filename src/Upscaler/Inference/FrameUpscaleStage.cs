using SeRanet.Video.Core.Imaging;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>The model stage for interleaved RGB frames (<see cref="ImageUpscaler.UpscaleFrames"/>).</summary>
public sealed class FrameUpscaleStage(ImageUpscaler upscaler, int framesPerBatch, Action<long>? framesDone = null)
    : BatchedModelStage<Frame>(batch => upscaler.UpscaleFrames(batch), framesPerBatch, framesDone);
