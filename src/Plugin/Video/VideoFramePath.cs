using System.Threading.Channels;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Imaging.Planar;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Core.Pipeline;
using SeRanet.Video.Decoder.Video;
using SeRanet.Video.Encoder.Video;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Inference.Planar;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Plugin.Video;

/// <summary>
/// Which frames travel between ffmpeg and the model in a video job, and the one pipeline that
/// carries them. A model that sees luma only, on a gray or YUV source, gets the source's planes
/// (<see cref="PlanarImageUpscaler"/>: luma through the network as it is, chroma resampled with
/// its siting), so no colour conversion happens anywhere and the pixels are the y4m filter's. An
/// RGB model, or an RGB source, gets RGB made with the source's matrix and range, and back.
/// </summary>
internal sealed class VideoFramePath
{
    private VideoFramePath(RawVideoFormat frames) => Frames = frames;

    public RawVideoFormat Frames { get; }

    public static VideoFramePath Choose(VideoInfo video, ModelHeader model) =>
        model.ColorMode == ColorMode.Y && FrameDecoder.SourcePlanes(video) is { } planes
            ? new(RawVideoFormat.Planar(planes))
            : new(RawVideoFormat.RgbFor(video.BitDepth));

    /// <summary>In words, for the model note and the work folder's settings (chunks of one path never mix with another's).</summary>
    public string Description => Frames.IsPlanar ? $"{Frames.FfmpegName} planes" : $"{Frames.FfmpegName} frames";

    /// <summary>
    /// Decodes <paramref name="frameCount"/> frames from <paramref name="firstFrame"/> (null: to the
    /// end), upscales them on one owned thread and hands them to <paramref name="target"/>, the three
    /// joined by bounded channels of two batches; returns the model's seconds and the frames decoded.
    /// </summary>
    /// <param name="requireEveryFrame">Fail when the source gives fewer frames than it holds (see <see cref="FrameDecoder.RequireEveryFrame"/>).</param>
    public Task<(double ModelSeconds, long FramesDecoded)> RunAsync(VideoInfo video, FfmpegLocation ffmpeg, ImageUpscaler upscaler, int framesPerBatch,
        bool requireEveryFrame, EncodeTarget target, long firstFrame, long? frameCount, CancellationToken cancellationToken)
    {
        var decoder = new FrameDecoder(video, ffmpeg, Frames, firstFrame, frameCount) { RequireEveryFrame = requireEveryFrame };
        if (Frames.IsPlanar)
        {
            var planes = new PlanarImageUpscaler(upscaler);
            return RunAsync(decoder, new PlanarUpscaleStage(planes.Upscale, planes.OutputSize, framesPerBatch), target, framesPerBatch, cancellationToken);
        }
        return RunAsync(decoder, new FrameUpscaleStage(upscaler, framesPerBatch), target, framesPerBatch, cancellationToken);
    }

    private static async Task<(double ModelSeconds, long FramesDecoded)> RunAsync<TFrame>(FrameDecoder decoder, IModelStage<TFrame> stage, EncodeTarget target, int framesPerBatch,
        CancellationToken cancellationToken) where TFrame : class, IVideoFrame
    {
        var options = new BoundedChannelOptions(framesPerBatch * 2) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait };
        var decoded = Channel.CreateBounded<TFrame>(options);
        var upscaled = Channel.CreateBounded<TFrame>(options);
        try
        {
            await PipelineRunner.RunAsync(
            [
                token => decoder.RunAsync(decoded.Writer, token),
                token => stage.RunAsync(decoded.Reader, upscaled.Writer, token),
                token => target.RunAsync(upscaled.Reader, token),
            ], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // After a failure, frames nobody took go back to their pool.
            decoded.Reader.DisposeQueued();
            upscaled.Reader.DisposeQueued();
        }
        return (stage.ModelTime.TotalSeconds, decoder.FramesDecoded);
    }
}

/// <summary>Where a video job's upscaled frames are encoded: the output file, or one chunk of a segmented job.</summary>
internal abstract record EncodeTarget(FrameEncoder Encoder)
{
    public abstract Task RunAsync<TFrame>(ChannelReader<TFrame> frames, CancellationToken cancellationToken) where TFrame : IVideoFrame;

    public sealed record OutputFile(FrameEncoder Encoder, bool Overwrite) : EncodeTarget(Encoder)
    {
        public override Task RunAsync<TFrame>(ChannelReader<TFrame> frames, CancellationToken cancellationToken) =>
            Encoder.RunAsync(frames, Overwrite, cancellationToken);
    }

    public sealed record Chunk(FrameEncoder Encoder, string ChunkPath, long NextFrame) : EncodeTarget(Encoder)
    {
        public override Task RunAsync<TFrame>(ChannelReader<TFrame> frames, CancellationToken cancellationToken) =>
            Encoder.EncodeChunkAsync(frames, ChunkPath, NextFrame, cancellationToken);
    }
}
