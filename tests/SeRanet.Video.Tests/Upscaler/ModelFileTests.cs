using SeRanet.Video.Tests.Support;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;

namespace SeRanet.Video.Tests.Upscaler;

public class ModelFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static SplitSpliceOptions Options => Presets.Get(Presets.SeRanetFast, channels: 1);

    public void Dispose() => _temp.Dispose();

    private string SaveFresh(string name = "m.srnv")
    {
        using var net = new SplitSpliceNet("seranet", Options);
        string path = _temp.File(name);
        ModelFile.Save(path, net, ModelFile.HeaderFor("test-model", Options, ColorMode.Y) with
        {
            Metrics = new Dictionary<string, double> { ["val_psnr_db"] = 31.5 },
        });
        return path;
    }

    [Fact]
    public void Save_then_load_round_trips_every_weight_exactly()
    {
        using var net = new SplitSpliceNet("seranet", Options);
        string path = _temp.File("round.srnv");
        ModelFile.Save(path, net, ModelFile.HeaderFor("round", Options, ColorMode.Y));

        using var loaded = ModelFile.Load(path);

        var original = net.state_dict();
        var restored = loaded.Network.ModuleForm.state_dict();
        Assert.Equal(original.Keys.Order(), restored.Keys.Order());
        foreach (var (key, tensor) in original)
        {
            Assert.True(tensor.eq(restored[key]).all().item<bool>(), $"{key} differs after the round trip");
        }
        Assert.Equal("round", loaded.Header.Name);
        Assert.Equal(ColorMode.Y, loaded.Header.ColorMode);
        Assert.Equal(ArchitectureRegistry.SplitSplice, loaded.Header.Architecture);
    }

    [Fact]
    public void Header_describes_the_model_without_loading_weights()
    {
        var header = ModelFile.ReadHeader(SaveFresh());

        Assert.Equal(ModelHeader.CurrentFormatVersion, header.FormatVersion);
        Assert.Equal(31.5, header.Metrics!["val_psnr_db"]);
        Assert.NotEmpty(header.Tensors);
        Assert.Equal(64, header.PayloadSha256.Length);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ModelFile.Load(_temp.File("absent.srnv")));
        Assert.Contains("absent.srnv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file_is_reported_as_truncated()
    {
        string path = SaveFresh();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipped_weight_byte_fails_the_checksum()
    {
        string path = SaveFresh();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_a_model_file_is_named_as_such()
    {
        string path = _temp.File("photo.srnv");
        File.WriteAllText(path, "this is not a model");

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("not a SeRanet model file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_architecture_are_refused()
    {
        // A header that claims wider paths than the weights that follow.
        string path = SaveFresh();
        var header = ModelFile.ReadHeader(path);
        var wider = Options with { PathWidths = [48, 32] };
        byte[] original = File.ReadAllBytes(path);
        int headerLength = BitConverter.ToInt32(original, 12);
        byte[] payload = original[(16 + headerLength)..];
        byte[] newHeader = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(header with
        {
            ArchitectureOptions = System.Text.Json.JsonSerializer.SerializeToElement(wider, SeRanet.Video.Upscaler.ModelJson.Options),
        }, SeRanet.Video.Upscaler.ModelJson.Options);
        using (var file = File.Create(path))
        {
            file.Write(original.AsSpan(0, 12));
            file.Write(BitConverter.GetBytes(newHeader.Length));
            file.Write(newHeader);
            file.Write(payload);
        }

        var error = Assert.Throws<InvalidDataException>(() => ModelFile.Load(path));
        Assert.Contains("shape", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_preset_without_weights_says_it_can_be_trained()
    {
        var error = Assert.Throws<ModelNotFoundException>(() => RepoModels.Catalog.Load(Presets.SeRanetFastD4));
        Assert.True(error.IsUntrainedPreset);
        Assert.Equal(Presets.SeRanetFastD4, error.ModelName);
        Assert.Contains("train them", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Preset_without_weights_points_at_its_training_run_in_progress()
    {
        string run = Path.Combine(_temp.Path, Presets.SeRanetFastD4);
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "checkpoint.json"), "{}");

        var error = Assert.Throws<ModelNotFoundException>(() => new ModelCatalog([_temp.Path]).Load(Presets.SeRanetFastD4));

        Assert.Equal(run, error.RunFolder);
        Assert.Contains("under way", error.Message, StringComparison.Ordinal);
        Assert.Contains(run, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Folders_are_searched_in_order_and_missing_ones_are_skipped()
    {
        string first = Path.Combine(_temp.Path, "first");
        Directory.CreateDirectory(first);
        File.Copy(Path.Combine(RepoModels.Folder, Presets.SeRanetFast + ModelFile.Extension), Path.Combine(first, "mine" + ModelFile.Extension));
        var catalog = new ModelCatalog([Path.Combine(_temp.Path, "absent"), first, RepoModels.Folder]);

        using var mine = catalog.Load("mine");

        Assert.Equal(Presets.SeRanetFast, mine.Header.Name);
        Assert.Contains("mine", catalog.Available());
        Assert.DoesNotContain("mine", RepoModels.Catalog.Available());
    }

    [Fact]
    public void A_run_in_progress_ships_its_weight_average_where_it_keeps_one()
    {
        string run = Path.Combine(_temp.Path, "growing");
        Directory.CreateDirectory(run);
        File.Copy(Path.Combine(RepoModels.Folder, Presets.SeRanetFast + ModelFile.Extension), Path.Combine(run, RunFolderLayout.CheckpointFile));
        var catalog = new ModelCatalog([_temp.Path]);

        Assert.Equal(Presets.SeRanetFast, catalog.Read("growing").Header.Name);
        Assert.Contains("growing", catalog.Available());

        File.Copy(Path.Combine(RepoModels.Folder, Presets.SeRanetFastDeep + ModelFile.Extension), Path.Combine(run, RunFolderLayout.AveragedCheckpointFile));
        Assert.Equal(Presets.SeRanetFastDeep, catalog.Read("growing").Header.Name);
    }

    [Fact]
    public void With_no_folders_only_the_embedded_default_loads_by_name()
    {
        using var model = ModelCatalog.EmbeddedOnly.Load(null);

        Assert.Equal(ModelCatalog.DefaultName, model.Header.Name);
        Assert.Equal([ModelCatalog.DefaultName], ModelCatalog.EmbeddedOnly.Available());
        Assert.Throws<ModelNotFoundException>(() => ModelCatalog.EmbeddedOnly.Load(Presets.SeRanetFast));
    }

    [Fact]
    public void Only_the_default_model_is_embedded()
    {
        // With its int8 activation ranges, which are not a model.
        Assert.Equal(["SeRanet.Video.Models." + ModelCatalog.DefaultName + ActivationRanges.Extension, "SeRanet.Video.Models." + ModelCatalog.DefaultName + ModelFile.Extension],
            typeof(ModelCatalog).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("SeRanet.Video.Models.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Presets.SeRanetFast)]
    [InlineData(Presets.SeRanetV1)]
    public void Shipped_models_load_by_name_from_the_models_folder(string name)
    {
        using var model = RepoModels.Catalog.Load(name);
        Assert.Equal(name, model.Header.Name);
        Assert.Contains(name, RepoModels.Catalog.Available());
    }
}
