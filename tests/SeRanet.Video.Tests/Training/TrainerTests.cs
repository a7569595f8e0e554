using SeRanet.Video.Core.Options;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Tests.Support;
using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Tests.Training;

[Trait("Category", "Integration")]
public class TrainerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private TrainerOptions Options(string data, long steps, bool resume = false) => new()
    {
        ModelName = "trainer-test",
        Architecture = Presets.Get(Presets.SeRanetFast, channels: 1),
        ColorMode = ColorMode.Y,
        DataFolders = [data],
        OutputPath = _temp.File("model.srnv"),
        RunFolder = _temp.File("run"),
        BatchSize = 8,
        PatchSize = 24,
        Steps = steps,
        StepsPerEpoch = 100,
        LearningRate = 2e-3,
        ValidationFraction = 0.3,
        Seed = 42,
        Resume = resume,
        Command = "test",
    };

    /// <summary>The smallest few real photos, so the test loads quickly.</summary>
    private string SmallPhotoSet()
    {
        string folder = _temp.File("photos");
        Directory.CreateDirectory(folder);
        foreach (var file in new DirectoryInfo(RepoPaths.RequireFolder(RepoPaths.TrainingData)).EnumerateFiles()
                     .Where(f => f.Length > 60_000).OrderBy(f => f.Length).Take(6))
        {
            file.CopyTo(Path.Combine(folder, file.Name));
        }
        return folder;
    }

    [Fact]
    public async Task A_short_run_on_real_photos_lowers_validation_loss_and_writes_its_records()
    {
        var result = await new Trainer(Options(SmallPhotoSet(), steps: 300)).RunAsync(null, CancellationToken.None);

        var rows = new TrainingLog(result.RunFolder).Read();
        Assert.True(result.Finished);
        Assert.Equal([0, 1, 2, 3], rows.Select(r => r.Epoch));
        Assert.True(rows[^1].ValidationLoss < rows[0].ValidationLoss,
            $"validation loss went from {rows[0].ValidationLoss:G4} to {rows[^1].ValidationLoss:G4}");
        Assert.True(File.Exists(Path.Combine(result.RunFolder, "training-plot.png")));

        using var model = ModelFile.Load(result.ModelPath);
        Assert.Equal(300, model.Header.Training!.Steps);
        Assert.Equal("test", model.Header.Training.Command);
        Assert.Equal(ColorMode.Y, model.Header.ColorMode);
        Assert.True(model.Header.Metrics!.ContainsKey("val_psnr_db"));
    }

    [Fact]
    public async Task The_minutes_budget_counts_the_whole_session_not_one_epoch()
    {
        var options = Options(SmallPhotoSet(), steps: 1_000_000) with { StepsPerEpoch = 5, Minutes = 0.05 };
        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await new Trainer(options).RunAsync(null, safety.Token);

        Assert.False(result.Finished);
        Assert.False(safety.IsCancellationRequested, "the 3-second budget did not stop training; the safety timeout did");
        Assert.True(result.Step > 5, $"stopped at step {result.Step}, before a second epoch");
        Assert.InRange(clock.Elapsed.TotalSeconds, 3, 60);
    }

    [Fact]
    public async Task A_budget_stop_leaves_a_checkpoint_that_resume_continues()
    {
        string photos = SmallPhotoSet();
        var first = await new Trainer(Options(photos, steps: 200) with { Minutes = 1e-9 }).RunAsync(null, CancellationToken.None);
        Assert.False(first.Finished);

        using var stop = new StopAtStep(120);
        var second = await new Trainer(Options(photos, steps: 200)).RunAsync(stop, stop.Token);
        Assert.False(second.Finished);
        Assert.InRange(second.Step, 100, 199);

        var third = await new Trainer(Options(photos, steps: 200, resume: true)).RunAsync(null, CancellationToken.None);
        Assert.True(third.Finished);
        Assert.Equal(200, third.Step);
    }

    [Fact]
    public async Task Init_starts_a_new_run_from_a_trained_model_at_that_model_s_quality()
    {
        string photos = SmallPhotoSet();
        var trained = await new Trainer(Options(photos, steps: 100)).RunAsync(null, CancellationToken.None);
        double trainedLoss = new TrainingLog(trained.RunFolder).Read()[^1].ValidationLoss;

        var fineTune = Options(photos, steps: 100) with
        {
            InitialWeights = trained.ModelPath,
            OutputPath = _temp.File("fine-tuned.srnv"),
            RunFolder = _temp.File("fine-tune-run"),
            LearningRate = 2e-4,
        };
        var result = await new Trainer(fineTune).RunAsync(null, CancellationToken.None);

        var rows = new TrainingLog(result.RunFolder).Read();
        Assert.Equal(trainedLoss, rows[0].ValidationLoss, 1e-7);
        Assert.Equal(100, result.Step);
    }

    [Fact]
    public async Task Init_with_a_model_of_another_architecture_names_the_mismatch()
    {
        string otherPreset = Path.Combine(RepoPaths.Root, "models", Presets.SeRanetFastDeep + ModelFile.Extension);
        var options = Options(SmallPhotoSet(), steps: 10) with { InitialWeights = otherPreset };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new Trainer(options).RunAsync(null, CancellationToken.None));
        Assert.Contains(otherPreset, error.Message, StringComparison.Ordinal);
        Assert.Contains("different architecture", error.Message);
    }

    [Fact]
    public async Task Extra_scales_add_shrunk_copies_of_each_training_photo()
    {
        string photo = Directory.EnumerateFiles(SmallPhotoSet()).First();
        var images = await TrainingSetLoader.LoadAsync([photo], 16, Degradations.None, 1, FfmpegLocation.OnPath, null, CancellationToken.None, [0.5]);

        Assert.Equal(2, images.Count);
        var (original, half) = (images[0], images[1]);
        Assert.Equal(Path.GetFileName(photo) + "@0.5", half.Name);
        Assert.Equal((original.Width / 2) & ~1, half.Width);
        Assert.Equal((original.Height / 2) & ~1, half.Height);
        Assert.Equal(3 * half.Width * half.Height, half.HighResolution.Length);
        Assert.Equal(3 * (half.Width / 2) * (half.Height / 2), half.LowResolution[0].Length);
    }

    [Fact]
    public async Task Shrunk_only_leaves_out_the_photo_at_its_own_size()
    {
        string photo = Directory.EnumerateFiles(SmallPhotoSet()).First();
        var images = await TrainingSetLoader.LoadAsync([photo], 16, Degradations.None, 1, FfmpegLocation.OnPath, null, CancellationToken.None, [0.5, 0.35], fullSize: false);

        Assert.Equal([Path.GetFileName(photo) + "@0.5", Path.GetFileName(photo) + "@0.35"], images.Select(image => image.Name));
    }

    [Fact]
    public async Task Degrade_variants_make_that_many_distinct_compressed_copies_per_codec()
    {
        string photo = Directory.EnumerateFiles(SmallPhotoSet()).First();
        var one = await TrainingSetLoader.LoadAsync([photo], 16, Degradations.H264 | Degradations.Jpeg, 7, FfmpegLocation.OnPath, null, CancellationToken.None);
        var three = await TrainingSetLoader.LoadAsync([photo], 16, Degradations.H264 | Degradations.Jpeg, 7, FfmpegLocation.OnPath, null, CancellationToken.None, compressedVariants: 3);

        Assert.Equal(1 + 2, one[0].LowResolution.Count);
        Assert.Equal(1 + 2 * 3, three[0].LowResolution.Count);
        // The first copies are drawn as a one-copy run draws them, so older runs stay reproducible.
        Assert.Equal(one[0].LowResolution[1], three[0].LowResolution[1]);
        Assert.Equal(one[0].LowResolution[2], three[0].LowResolution[2]);
        var compressed = three[0].LowResolution.Skip(1).ToList();
        Assert.All(compressed, copy => Assert.NotEqual(three[0].LowResolution[0], copy));
        Assert.True(compressed.Distinct(new BytesComparer()).Count() >= 5, "the copies should differ in quality");
    }

    [Fact]
    public void Degrade_variants_out_of_range_are_refused_by_name()
    {
        var options = Options(SmallPhotoSet(), steps: 10) with { CompressedVariants = 0 };

        var error = Assert.Throws<InvalidOptionException>(options.Validate);
        Assert.Equal("TrainerOptions.CompressedVariants", error.Option);
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes) => bytes.Length;
    }

    [Fact]
    public void Shrunk_only_without_scales_is_refused_with_the_fix()
    {
        var options = Options(SmallPhotoSet(), steps: 10) with { FullSize = false };

        var error = Assert.Throws<InvalidOptionException>(options.Validate);
        Assert.Equal("TrainerOptions.ExtraScales", error.Option);
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The command that went to NaN within 20-40 steps on a Zen 4 machine (numerics issue): the
    /// smallest preset, six photos, batch 4, 16 px patches. It must stay finite and learn.
    /// </summary>
    [Fact]
    [Trait("Category", "Numerics")]
    public async Task The_short_run_that_diverged_on_avx512_stays_finite_and_learns()
    {
        var options = Options(SmallPhotoSet(), steps: 300) with { BatchSize = 4, PatchSize = 16, StepsPerEpoch = 20, Seed = 1, LearningRate = 1e-3 };

        var result = await new Trainer(options).RunAsync(null, CancellationToken.None);

        var rows = new TrainingLog(result.RunFolder).Read();
        Assert.True(result.Finished);
        Assert.All(rows, row => Assert.True(double.IsFinite(row.TrainLoss) && double.IsFinite(row.ValidationLoss), $"step {row.Step}: {row.TrainLoss} / {row.ValidationLoss}"));
        Assert.True(rows[^1].ValidationLoss < rows[0].ValidationLoss, $"validation loss went from {rows[0].ValidationLoss:G4} to {rows[^1].ValidationLoss:G4}");
    }

    [Fact]
    public async Task Ema_writes_and_validates_the_average_and_resume_continues_it()
    {
        string photos = SmallPhotoSet();
        var options = Options(photos, steps: 200) with { AverageDecay = 0.99 };
        using var stop = new StopAtStep(120);
        var first = await new Trainer(options).RunAsync(stop, stop.Token);
        Assert.False(first.Finished);
        Assert.Equal(Path.Combine(first.RunFolder, RunFolderLayout.AveragedCheckpointFile), first.ModelPath);
        var stopped = StateOf(first.RunFolder);
        Assert.Equal(stopped.Step, stopped.AverageUpdates);

        var result = await new Trainer(options with { Resume = true }).RunAsync(null, CancellationToken.None);

        Assert.True(result.Finished);
        Assert.Equal(200, StateOf(result.RunFolder).AverageUpdates);
        using var written = ModelFile.Load(result.ModelPath);
        using var average = ModelFile.Load(Path.Combine(result.RunFolder, RunFolderLayout.AveragedCheckpointFile));
        using var trained = ModelFile.Load(Path.Combine(result.RunFolder, RunFolderLayout.CheckpointFile));
        Assert.Equal(0.99, written.Header.Training!.AverageDecay);
        Assert.Null(trained.Header.Training!.AverageDecay);
        Assert.Null(trained.Header.Metrics);
        Assert.Equal(written.Header.Metrics, average.Header.Metrics);
        Assert.Equal(0, LargestDifference(written, average));
        Assert.True(LargestDifference(written, trained) > 1e-4, "the written model is the last step's weights, not their average");
        var validation = new TrainingLog(result.RunFolder).Read()[^1];
        Assert.True(validation.ValidationPsnr > validation.BicubicPsnr, $"the average validated at {validation.ValidationPsnr:F2} dB, bicubic {validation.BicubicPsnr:F2} dB");
    }

    [Fact]
    public async Task Ema_added_on_resume_starts_its_average_at_the_checkpoint_and_leaving_it_out_drops_the_file()
    {
        string photos = SmallPhotoSet();
        using var firstStop = new StopAtStep(100);
        var plain = await new Trainer(Options(photos, steps: 300)).RunAsync(firstStop, firstStop.Token);
        Assert.False(plain.Finished);
        long resumedAt = StateOf(plain.RunFolder).Step;
        Assert.Null(StateOf(plain.RunFolder).AverageUpdates);

        using var secondStop = new StopAtStep(200);
        var averaged = await new Trainer(Options(photos, steps: 300, resume: true) with { AverageDecay = 0.99 }).RunAsync(secondStop, secondStop.Token);
        var state = StateOf(averaged.RunFolder);
        Assert.Equal(state.Step - resumedAt, state.AverageUpdates);
        string averageFile = Path.Combine(averaged.RunFolder, RunFolderLayout.AveragedCheckpointFile);
        Assert.True(File.Exists(averageFile));

        var finished = await new Trainer(Options(photos, steps: 300, resume: true)).RunAsync(null, CancellationToken.None);
        Assert.True(finished.Finished);
        Assert.False(File.Exists(averageFile), "an average from before stayed beside a checkpoint it no longer matches");
        using var written = ModelFile.Load(finished.ModelPath);
        Assert.Null(written.Header.Training!.AverageDecay);
    }

    /// <summary>Progress that cancels the run as soon as it reports a step at or past <paramref name="step"/>.</summary>
    private sealed class StopAtStep(long step) : IProgress<TrainingProgress>, IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();

        public CancellationToken Token => _cancel.Token;

        public void Report(TrainingProgress value)
        {
            if (value.Step >= step)
            {
                _cancel.Cancel();
            }
        }

        public void Dispose() => _cancel.Dispose();
    }

    private static TrainingState StateOf(string runFolder) => new CheckpointStore(runFolder).ReadState();

    private static double LargestDifference(LoadedModel a, LoadedModel b)
    {
        var left = a.Network.ModuleForm.state_dict();
        var right = b.Network.ModuleForm.state_dict();
        return left.Max(pair => TorchSharp.torch.abs(pair.Value - right[pair.Key]).max().item<float>());
    }

    [Fact]
    public async Task A_diverging_run_stops_naming_the_step_and_keeps_the_last_good_checkpoint()
    {
        string photos = SmallPhotoSet();
        var good = await new Trainer(Options(photos, steps: 10) with { StepsPerEpoch = 10 }).RunAsync(null, CancellationToken.None);
        string checkpoint = Path.Combine(good.RunFolder, "checkpoint" + ModelFile.Extension);
        byte[] before = File.ReadAllBytes(checkpoint);
        int loggedRows = new TrainingLog(good.RunFolder).Read().Count;

        // An absurd learning rate blows the weights up within a step or two.
        var blowUp = Options(photos, steps: 40, resume: true) with { StepsPerEpoch = 10, LearningRate = 1e12 };
        var error = await Assert.ThrowsAsync<TrainingDivergedException>(() => new Trainer(blowUp).RunAsync(null, CancellationToken.None));

        Assert.Matches(@"diverged at step 1[1-9]\b", error.Message);
        Assert.Contains("checkpoint of step 10", error.Message);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Assert.Equal(loggedRows, new TrainingLog(good.RunFolder).Read().Count);
        Assert.DoesNotContain("NaN", File.ReadAllText(new TrainingLog(good.RunFolder).CsvPath));
    }
}
