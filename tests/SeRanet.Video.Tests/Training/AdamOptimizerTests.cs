using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Training;

[Trait("Category", "Numerics")]
public class AdamOptimizerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Sequential SmallNet(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 4, 1));
    }

    /// <summary>The same net with its conv weights stored channels-last, as SplitSpliceNet keeps them.</summary>
    private static Sequential ChannelsLastNet(long seed)
    {
        var net = SmallNet(seed);
        using var noGrad = torch.no_grad();
        foreach (var module in net.children().OfType<Conv2d>())
        {
            module.weight = new Parameter(SeRanet.Video.Upscaler.Numerics.MemoryLayout.ChannelsLast(module.weight!.detach()), requires_grad: true);
        }
        return net;
    }

    private static void Backward(Sequential net, int step)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)(100 + step));
        var input = torch.rand([2, 3, 9, 9], generator: generator);
        var output = net.call(input);
        output.mul(output).mean().backward();
    }

    [Fact]
    public void Its_updates_equal_torchsharp_adam()
    {
        using var ours = SmallNet(5);
        using var theirs = SmallNet(5);
        using var adam = new AdamOptimizer(ours.parameters(), 1e-2);
        using var reference = torch.optim.Adam(theirs.parameters(), 1e-2);

        for (int step = 0; step < 20; step++)
        {
            adam.ZeroGrad();
            Backward(ours, step);
            adam.Step();
            reference.zero_grad();
            Backward(theirs, step);
            reference.step();
        }

        Assert.Equal(NetworkWeights.Flatten(theirs), NetworkWeights.Flatten(ours));
    }

    /// <summary>
    /// TorchSharp's Adam passes implicit scalars that a collection can free mid-call; ours owns them.
    /// A thread that collects without pause makes that race likely: the run must come out exactly as
    /// a run without it.
    /// </summary>
    [Fact]
    public void Garbage_collection_during_steps_changes_nothing()
    {
        float[] Train(bool collect)
        {
            using var net = SmallNet(9);
            using var adam = new AdamOptimizer(net.parameters(), 1e-2);
            bool stop = false;
            var collector = new Thread(() =>
            {
                while (collect && !Volatile.Read(ref stop))
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            });
            collector.Start();
            try
            {
                for (int step = 0; step < 300; step++)
                {
                    adam.ZeroGrad();
                    Backward(net, step);
                    adam.Step();
                }
            }
            finally
            {
                Volatile.Write(ref stop, true);
                collector.Join();
            }
            return NetworkWeights.Flatten(net);
        }

        float[] quiet = Train(collect: false);
        float[] collected = Train(collect: true);

        Assert.All(collected, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(quiet, collected);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Saved_state_resumes_exactly_including_torchsharp_state_files(bool channelsLast)
    {
        string ours = _temp.File("ours.optimizer"), legacy = _temp.File("legacy.optimizer");
        // The reference optimizer runs on plain weights (TorchSharp can save only those); the state
        // file it writes is then read into a net that keeps its weights channels-last, as a resumed
        // SplitSpliceNet run does.
        using var net = SmallNet(3);
        using var reference = torch.optim.Adam(net.parameters(), 1e-2);
        for (int step = 0; step < 5; step++)
        {
            reference.zero_grad();
            Backward(net, step);
            reference.step();
        }
        reference.save_state_dict(legacy);

        // TorchSharp's own file (checkpoints of runs started before AdamOptimizer) ...
        using var loader = channelsLast ? ChannelsLastNet(3) : SmallNet(3);
        using var adam = new AdamOptimizer(loader.parameters(), 1e-2);
        adam.Load(legacy);
        Assert.Equal(5, adam.Steps);
        adam.Save(ours);

        // ... and ours, read back into a fresh optimizer: the next steps match TorchSharp's.
        using var copy = channelsLast ? ChannelsLastNet(3) : SmallNet(3);
        NetworkWeights.Copy(net, copy);
        using var resumed = new AdamOptimizer(copy.parameters(), 1e-2);
        resumed.Load(ours);
        for (int step = 5; step < 10; step++)
        {
            reference.zero_grad();
            Backward(net, step);
            reference.step();
            resumed.ZeroGrad();
            Backward(copy, step);
            resumed.Step();
        }
        if (channelsLast)
        {
            // The same update, but the convolutions' NHWC kernels round differently from NCHW ones.
            Assert.All(NetworkWeights.Flatten(net).Zip(NetworkWeights.Flatten(copy)), pair => Assert.Equal(pair.First, pair.Second, 1e-5f));
        }
        else
        {
            Assert.Equal(NetworkWeights.Flatten(net), NetworkWeights.Flatten(copy));
        }
    }
}
