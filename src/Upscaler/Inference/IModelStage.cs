using System.Threading.Channels;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// The model stage of a video pipeline, whatever its frames: reads frames in order, writes their
/// upscaled versions in the same order with the same index and time, disposes what it read.
/// </summary>
public interface IModelStage<TFrame>
{
    /// <summary>Time spent in the model alone, to compare with the whole run's wall time.</summary>
    TimeSpan ModelTime { get; }

    Task RunAsync(ChannelReader<TFrame> input, ChannelWriter<TFrame> output, CancellationToken cancellationToken);
}
