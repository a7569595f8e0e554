using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Cli;

[Trait("Category", "Integration")]
public class ImageCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static string Photo => Path.Combine(RepoPaths.Samples, "photo.png");

    public void Dispose() => _temp.Dispose();

    private static (int Width, int Height) SizeOf(string file) =>
        (int.Parse(Processes.Probe(file, "width"), System.Globalization.CultureInfo.InvariantCulture),
         int.Parse(Processes.Probe(file, "height"), System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("2", 2)]
    [InlineData("4", 4)]
    public void Upscales_a_photo_to_a_png_of_the_requested_scale(string scale, int factor)
    {
        string output = _temp.File("out.png");

        var result = Processes.Seranet("image", Photo, "-o", output, "--scale", scale);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var (width, height) = SizeOf(Photo);
        Assert.Equal((width * factor, height * factor), SizeOf(output));
        Assert.Equal("png", Processes.Probe(output, "codec_name"));
        Assert.Empty(Directory.GetFiles(_temp.Path, "*.partial*"));
    }

    [Fact]
    public void A_folder_in_gives_a_folder_out()
    {
        string input = _temp.File("in");
        Directory.CreateDirectory(input);
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=48x32", "-frames:v", "1", Path.Combine(input, "a.png"));
        Processes.Ffmpeg("-f", "lavfi", "-i", "smptebars=size=33x21", "-frames:v", "1", Path.Combine(input, "b.jpg"));
        string output = _temp.File("out");

        var result = Processes.Seranet("image", input, "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal((96, 64), SizeOf(Path.Combine(output, "a.png")));
        Assert.Equal((66, 42), SizeOf(Path.Combine(output, "b.png")));
    }

    [Fact]
    public void A_bad_image_in_a_folder_fails_alone_and_the_report_keeps_the_folder_order()
    {
        string input = _temp.File("in");
        Directory.CreateDirectory(input);
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=48x32", "-frames:v", "1", Path.Combine(input, "a.png"));
        File.WriteAllText(Path.Combine(input, "b.png"), "not a picture");
        Processes.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=20x20", "-frames:v", "1", Path.Combine(input, "c.jpg"));
        string output = _temp.File("out");

        var result = Processes.Seranet("image", input, "-o", output, "--json");

        Assert.Equal(1, result.ExitCode);
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var images = report.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(["a.png", "b.png", "c.jpg"], images.Select(i => Path.GetFileName(i.GetProperty("input").GetString()!)));
        Assert.Equal([false, true, false], images.Select(i => i.TryGetProperty("error", out _)));
        Assert.Equal((96, 64), SizeOf(Path.Combine(output, "a.png")));
        Assert.Equal((40, 40), SizeOf(Path.Combine(output, "c.png")));
        Assert.False(File.Exists(Path.Combine(output, "b.png")));
    }

    [Fact]
    public void The_onnxruntime_backend_writes_the_torch_picture_and_reports_itself()
    {
        byte[] Pixels(string backend)
        {
            string output = _temp.File($"{backend}.png");
            var result = Processes.Seranet("image", Photo, "-o", output, "--backend", backend, "--json");
            Assert.True(result.ExitCode == 0, result.Stderr);
            using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
            Assert.Equal(backend, report.RootElement.GetProperty("backend").GetString());
            string raw = _temp.File($"{backend}.rgb");
            Processes.Ffmpeg("-i", output, "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
            return File.ReadAllBytes(raw);
        }

        byte[] expected = Pixels("torch"), actual = Pixels("onnxruntime");

        var (width, height) = SizeOf(Photo);
        Assert.Equal(4 * width * height * 3, actual.Length);
        // Float rounding (below 1e-6) may tip a rare value to the next 8-bit level.
        int worst = expected.Zip(actual, (x, y) => Math.Abs(x - y)).Max();
        int differing = expected.Zip(actual).Count(pair => pair.First != pair.Second);
        Assert.True(worst <= 1 && differing <= expected.Length / 10000, $"{differing} values differ, by up to {worst}");
    }

    [Fact]
    public void Sixteen_bit_input_stays_sixteen_bit()
    {
        string input = _temp.File("deep.png");
        Processes.Ffmpeg("-f", "lavfi", "-i", "gradients=size=40x30:seed=1", "-frames:v", "1", "-pix_fmt", "rgb48be", input);
        string output = _temp.File("deep-2x.png");

        var result = Processes.Seranet("image", input, "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("rgb48be", Processes.Probe(output, "pix_fmt"));
        Assert.Equal((80, 60), SizeOf(output));
    }

    [Fact]
    public void A_file_that_is_not_an_image_fails_clearly_and_writes_nothing()
    {
        string input = _temp.File("notes.png");
        File.WriteAllText(input, "definitely not a picture");
        string output = _temp.File("out.png");

        var result = Processes.Seranet("image", input, "-o", output);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not a readable image", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Refuses_to_overwrite_without_being_asked()
    {
        string output = _temp.File("exists.png");
        File.WriteAllText(output, "keep me");

        var result = Processes.Seranet("image", Photo, "-o", output);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("keep me", File.ReadAllText(output));
    }

    [Fact]
    public void Names_missing_preset_weights_and_the_training_command()
    {
        // seranet-fast-d4 is a preset whose weights do not ship.
        var result = Processes.Seranet("image", Photo, "-o", _temp.File("d4.png"), "--model", "seranet-fast-d4");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("seranet train --preset seranet-fast-d4", result.Stderr, StringComparison.Ordinal);
    }
}
