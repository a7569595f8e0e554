using System.Threading.Channels;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Inference;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Video;

/// <summary>The model stage with an untrained tiny-input model: order, timestamps, batching, failures.</summary>
public class FrameUpscaleStageTests
{
    private static ImageUpscaler Upscaler()
    {
        torch.manual_seed(3);
        var architecture = Presets.Get(Presets.SeRanetFast, 1);
        var net = new SplitSpliceNet("seranet", architecture);
        return ImageUpscaler.Open(new LoadedModel(ModelFile.HeaderFor("t", architecture, ColorMode.Y), net), torch.CPU, new UpscaleOptions());
    }

    private static Frame NoiseFrame(int index, int seed)
    {
        var frame = Frame.Rent(12, 10, PixelFormat.Rgb24, index: index, pts: 1000 + index * 37);
        new Random(seed).NextBytes(frame.Data);
        return frame;
    }

    [Fact]
    public async Task Frames_come_out_in_order_with_their_index_and_timestamp_and_batched_equals_single()
    {
        using var upscaler = Upscaler();
        var input = Channel.CreateBounded<Frame>(4);
        var output = Channel.CreateBounded<Frame>(4);
        var counts = new List<long>();
        var stage = new FrameUpscaleStage(upscaler, framesPerBatch: 3, framesDone: counts.Add);

        var running = stage.RunAsync(input.Reader, output.Writer, CancellationToken.None);
        var feeding = Task.Run(async () =>
        {
            for (int i = 0; i < 7; i++)
            {
                await input.Writer.WriteAsync(NoiseFrame(i, seed: i));
            }
            input.Writer.Complete();
        });
        var results = new List<Frame>();
        await foreach (var frame in output.Reader.ReadAllAsync())
        {
            results.Add(frame);
        }
        await Task.WhenAll(running, feeding);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => (long)i), results.Select(f => f.Index));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (long?)(1000 + i * 37)), results.Select(f => f.Pts));
        Assert.All(results, f => Assert.Equal((24, 20, PixelFormat.Rgb24), (f.Width, f.Height, f.Format)));
        Assert.Equal([3L, 6L, 7L], counts);
        Assert.True(stage.ModelTime > TimeSpan.Zero);

        using var alone = NoiseFrame(5, seed: 5);
        using var single = upscaler.Upscale(ImagePlanes.FromFrame(alone)).ToFrame(PixelFormat.Rgb24);
        int differing = 0;
        for (int i = 0; i < single.ByteCount; i++)
        {
            differing += Math.Abs(single.Data[i] - results[5].Data[i]) > 1 ? 1 : 0;
        }
        Assert.Equal(0, differing);
        results.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task A_failed_input_fails_the_stage_and_its_output_with_the_same_error()
    {
        using var upscaler = Upscaler();
        var input = Channel.CreateBounded<Frame>(4);
        var output = Channel.CreateBounded<Frame>(4);
        var stage = new FrameUpscaleStage(upscaler, framesPerBatch: 2);
        var failure = new InvalidDataException("decoder broke");

        var running = stage.RunAsync(input.Reader, output.Writer, CancellationToken.None);
        await input.Writer.WriteAsync(NoiseFrame(0, 0));
        input.Writer.Complete(failure);

        Assert.Same(failure, await Assert.ThrowsAsync<InvalidDataException>(() => running));
        await Assert.ThrowsAsync<InvalidDataException>(() => output.Reader.Completion);
    }

    [Fact]
    public async Task Cancellation_stops_a_stage_waiting_for_frames()
    {
        using var upscaler = Upscaler();
        var input = Channel.CreateBounded<Frame>(4);
        var output = Channel.CreateBounded<Frame>(4);
        using var cancel = new CancellationTokenSource();
        var stage = new FrameUpscaleStage(upscaler, framesPerBatch: 2);

        var running = stage.RunAsync(input.Reader, output.Writer, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }
}
