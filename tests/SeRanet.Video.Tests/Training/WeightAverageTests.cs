using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeRanet.Video.Tests.Training;

public class WeightAverageTests
{
    private static Sequential SmallNet(long seed)
    {
        torch.manual_seed(seed);
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.Conv2d(4, 2, 1));
    }

    [Fact]
    public void It_starts_as_the_trained_weights_and_follows_them_at_the_ramped_decay()
    {
        using var trained = SmallNet(1);
        using var averaged = SmallNet(2);
        using var later = SmallNet(3);
        float[] start = NetworkWeights.Flatten(trained);

        var average = new WeightAverage(trained, averaged, decay: 0.99);
        Assert.Equal(start, NetworkWeights.Flatten(average.Model));

        NetworkWeights.Copy(later, trained);
        float[] target = NetworkWeights.Flatten(trained);
        average.Update();
        average.Update();

        // Two updates toward the same weights keep (1/10) * (2/11) of the gap.
        double kept = average.DecayAfter(0) * average.DecayAfter(1);
        Assert.Equal(0.1 * 2 / 11, kept, 12);
        float[] now = NetworkWeights.Flatten(average.Model);
        for (int i = 0; i < now.Length; i++)
        {
            Assert.Equal(target[i] + kept * (start[i] - target[i]), now[i], 5);
        }
        Assert.Equal(2, average.Updates);
        Assert.Equal(0.99, average.DecayAfter(1_000_000));
    }

    [Fact]
    public void The_average_takes_no_gradient_and_restart_copies_the_trained_weights_again()
    {
        using var trained = SmallNet(1);
        using var averaged = SmallNet(2);
        var average = new WeightAverage(trained, averaged, decay: 0.999);
        Assert.All(average.Model.parameters(), p => Assert.False(p.requires_grad));

        using var later = SmallNet(3);
        NetworkWeights.Copy(later, trained);
        average.Update();
        Assert.NotEqual(NetworkWeights.Flatten(trained), NetworkWeights.Flatten(average.Model));

        average.Restart();
        Assert.Equal(NetworkWeights.Flatten(trained), NetworkWeights.Flatten(average.Model));
        Assert.Equal(0, average.Updates);
    }

    [Fact]
    public void A_network_of_another_shape_or_a_decay_outside_0_to_1_is_refused()
    {
        using var trained = SmallNet(1);
        using var other = nn.Sequential(nn.Conv2d(3, 5, 3), nn.Conv2d(5, 2, 1));
        using var averaged = SmallNet(2);

        Assert.Throws<ArgumentException>(() => new WeightAverage(trained, other, decay: 0.99));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(trained, averaged, decay: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(trained, averaged, decay: 0));
    }

    [Fact]
    public void A_checkpoint_restores_the_average_its_count_and_decay()
    {
        using var temp = new TempFolder();
        var architecture = Presets.Get(Presets.SeRanetFast, channels: 1);
        var header = ModelFile.HeaderFor("average-test", architecture, ColorMode.Y);
        var store = new CheckpointStore(temp.File("run"));
        Directory.CreateDirectory(store.RunFolder);
        float[] saved;
        using (var network = ArchitectureRegistry.Build(architecture))
        using (var averaged = ArchitectureRegistry.Build(architecture))
        using (var later = ArchitectureRegistry.Build(architecture))
        using (var optimizer = new AdamOptimizer(network.ModuleForm.parameters(), 1e-3))
        {
            var average = new WeightAverage(network.ModuleForm, averaged.ModuleForm, decay: 0.9);
            NetworkWeights.Copy(later.ModuleForm, network.ModuleForm);
            average.Update();
            average.Update();
            average.Update();
            saved = NetworkWeights.Flatten(average.Model);
            store.Save(network.ModuleForm, optimizer, new TrainingState { Step = 3, Epoch = 1 }, header, (average, header));
        }

        using var restoredNetwork = ArchitectureRegistry.Build(architecture);
        using var restoredAverage = ArchitectureRegistry.Build(architecture);
        using var restoredOptimizer = new AdamOptimizer(restoredNetwork.ModuleForm.parameters(), 1e-3);
        var state = store.Load(restoredNetwork.ModuleForm, restoredOptimizer, architecture);
        var restored = new WeightAverage(restoredNetwork.ModuleForm, restoredAverage.ModuleForm, decay: 0.9);
        Assert.NotEqual(saved, NetworkWeights.Flatten(restored.Model));

        Assert.Null(store.LoadAverage(restored, state, architecture));
        Assert.Equal(saved, NetworkWeights.Flatten(restored.Model));
        Assert.Equal(3, restored.Updates);
        var otherDecay = new WeightAverage(restoredNetwork.ModuleForm, restoredAverage.ModuleForm, decay: 0.99);
        Assert.Equal("the weight average continues at decay 0.99 (saved at 0.9)", store.LoadAverage(otherDecay, state, architecture));
    }
}
