using System.Threading.Channels;
using SeRanet.Video.Core.Pipeline;

namespace SeRanet.Video.Tests.Core;

public class PipelineRunnerTests
{
    [Fact]
    public async Task Stages_connected_by_a_bounded_channel_run_to_completion()
    {
        var channel = Channel.CreateBounded<int>(2);
        var received = new List<int>();

        await PipelineRunner.RunAsync(
        [
            async ct =>
            {
                for (int i = 0; i < 100; i++)
                {
                    await channel.Writer.WriteAsync(i, ct);
                }
                channel.Writer.Complete();
            },
            async ct =>
            {
                await foreach (int item in channel.Reader.ReadAllAsync(ct))
                {
                    received.Add(item);
                }
            },
        ], CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 100), received);
    }

    [Fact]
    public async Task The_first_failure_stops_the_other_stages_and_is_what_the_caller_sees()
    {
        var channel = Channel.CreateBounded<int>(1);
        var root = new InvalidDataException("decoder broke");

        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => PipelineRunner.RunAsync(
        [
            async ct =>
            {
                await channel.Writer.WriteAsync(1, ct);
                throw root;
            },
            async ct =>
            {
                // Would wait forever without cancellation: nothing completes the channel.
                await foreach (int _ in channel.Reader.ReadAllAsync(ct))
                {
                }
            },
        ], CancellationToken.None));

        Assert.Same(root, thrown);
    }

    [Fact]
    public async Task Cancellation_from_outside_stops_every_stage()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PipelineRunner.RunAsync(
        [
            ct => Task.Delay(Timeout.Infinite, ct),
            ct => Task.Delay(Timeout.Infinite, ct),
        ], cancel.Token));
    }
}
