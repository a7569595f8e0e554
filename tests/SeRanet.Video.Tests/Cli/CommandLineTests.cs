using System.CommandLine;
using SeRanet.Video.Cli;

namespace SeRanet.Video.Tests.Cli;

/// <summary>
/// The real command tree, parsed in process: a bad command line is refused before any work with
/// exit code 2, one <c>error:</c> line that names the option and what it accepts, and a hint.
/// </summary>
public class CommandLineTests
{
    private sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    private static Outcome Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = SeranetCli.InvokeAsync(args, new InvocationConfiguration { Output = stdout, Error = stderr }).GetAwaiter().GetResult();
        return new Outcome(exitCode, stdout.ToString(), stderr.ToString());
    }

    // The input need not exist: each of these must be refused before anything is read.
    [Theory]
    [InlineData("upscale in.mp4 -o out.mp4 --no-such-flag", "'--no-such-flag'", "seranet upscale")]
    [InlineData("upscale in.mp4", "'--output' is required", "seranet upscale")]
    [InlineData("", "Required command was not provided", "seranet")]
    [InlineData("upscale in.mp4 -o out.mp4 --scale 0", "--scale takes a factor above 1 and at most 16", "seranet upscale")]
    [InlineData("upscale in.mp4 -o out.mp4 --scale -2", "--scale takes a factor above 1 and at most 16, such as 2 or 4, not '-2'", "seranet upscale")]
    [InlineData("upscale in.mp4 -o out.mp4 --scale 99999999999", "--scale takes a factor above 1 and at most 16", "seranet upscale")]
    [InlineData("upscale in.mp4 -o out.mp4 --batch 0", "--batch takes a whole number from 1 to 1024, not '0'", "seranet upscale")]
    [InlineData("upscale in.mp4 -o out.mp4 --tile 0", "--tile takes a whole number from 8 to 65535, not '0'", "seranet upscale")]
    [InlineData("upscale in.mp4 -o out.mp4 --tile 1", "--tile takes a whole number from 8 to 65535, not '1'", "seranet upscale")]
    [InlineData("upscale in.mp4 -o out.mp4 --device gpu", "--device takes auto, cpu or cuda, not 'gpu'", "seranet upscale")]
    [InlineData("upscale in.mp4 -o out.mp4 --memory 10M", "--memory takes a size such as 800M, 1.5G or 2G, at least 64M, not '10M'", "seranet upscale")]
    [InlineData("image a.png -o b.png --memory lots", "--memory takes a size such as 800M, 1.5G or 2G, at least 64M, not 'lots'", "seranet image")]
    [InlineData("image a.png -o b.png --memory 1.5X", "--memory takes a size such as 800M, 1.5G or 2G, at least 64M, not '1.5X'", "seranet image")]
    [InlineData("upscale in.mp4 -o out.mp4 --backend onnx", "--backend takes torch or onnxruntime, not 'onnx'", "seranet upscale")]
    [InlineData("image a.png -o b.png --backend tensorrt", "--backend takes torch or onnxruntime, not 'tensorrt'", "seranet image")]
    [InlineData("preview in.mp4 --frame 1 --backend libtorch", "--backend takes torch or onnxruntime, not 'libtorch'", "seranet preview")]
    [InlineData("filter --size 64x48 --backend ort", "--backend takes torch or onnxruntime, not 'ort'", "seranet filter")]
    [InlineData("bench --backend cuda", "--backend takes torch or onnxruntime, not 'cuda'", "seranet bench")]
    [InlineData("image a.png -o b.png --precision int4", "--precision takes fp32, bf16 or int8, not 'int4'", "seranet image")]
    [InlineData("bench --precision fp16", "--precision takes fp32, bf16 or int8, not 'fp16'", "seranet bench")]
    [InlineData("filter --size 64x48 --precision uint8", "--precision takes fp32, bf16 or int8, not 'uint8'", "seranet filter")]
    [InlineData("preview in.mp4 --frame 1 --precision half", "--precision takes fp32, bf16 or int8, not 'half'", "seranet preview")]
    [InlineData("filter --size 0x0", "--size takes WIDTHxHEIGHT with both from 1 to 65535", "seranet filter")]
    [InlineData("preview in.mp4 --frame -1", "--frame takes a whole number of at least 0, not '-1'", "seranet preview")]
    [InlineData("preview in.mp4 --frames 5-2", "--frames takes a range A-B of frame indices with A at most B", "seranet preview")]
    [InlineData("preview in.mp4 --at -3", "--at takes a time of at least 0", "seranet preview")]
    [InlineData("preview in.mp4 --at 1.5 --frame 3", "Give exactly one of --at, --frame or --frames", "seranet preview")]
    [InlineData("upscale in.mp4 -o out.mp4 --crf 99", "--crf for libx264 takes 0 to 51, not 99", "seranet upscale")]
    [InlineData("preview in.mp4 --report r.html --frame 3", "--report samples its own frames and crops; leave out --at, --frame, --frames and --crop", "seranet preview")]
    [InlineData("preview in.mp4 --report r.html --samples 0", "--samples takes a whole number from 1 to 50, not '0'", "seranet preview")]
    public void A_bad_command_line_exits_2_with_one_error_line_and_a_hint(string commandLine, string error, string command)
    {
        var outcome = Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        string[] lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(error, lines[0], StringComparison.Ordinal);
        Assert.Equal($"Try '{command} --help'.", lines[1]);
        Assert.Equal("", outcome.Stdout);
    }

    [Theory]
    [InlineData("upscale in.mp4 -o out.mp4 --codec libx265 --crf 52", "--crf for libx265 takes 0 to 51, not 52")]
    [InlineData("upscale in.mp4 -o out.mp4 --codec libsvtav1 --crf 64", "--crf for libsvtav1 takes 0 to 63, not 64")]
    [InlineData("upscale in.mp4 -o out.mp4 --codec ffv1 --crf 10", "--crf does not apply to ffv1")]
    [InlineData("upscale in.mp4 -o out.mp4 --crf -1", "--crf for libx264 takes 0 to 51, not -1")]
    [InlineData("upscale in.mp4 -o out.mp4 --encoder-preset quick", "--encoder-preset for libx264 takes ultrafast")]
    [InlineData("upscale in.mp4 -o out.mp4 --preset slow", "'--preset'")]
    [InlineData("upscale in.mp4 -o out.mp4 --ffmpeg-args -tune", "'--ffmpeg-args'")]
    [InlineData("image a.png -o b.png --batch 2", "'--batch'")]
    [InlineData("image a.png -o out --format gif", "--format takes png, jpg, jpeg, webp, tif, tiff or bmp, not 'gif'")]
    [InlineData("preview in.mp4 --frame 1 --crop 1,2,0,4", "--crop takes a region x,y,w,h")]
    [InlineData("filter --size 640x360 --pix-fmt yuv420p", "--pix-fmt takes rgb24 or rgb48le, not 'yuv420p'")]
    [InlineData("bench --frames 3", "'--frames'")]
    [InlineData("bench --preset seranet-huge", "--preset takes seranet-fast, seranet-fast-deep, seranet-fast-d4, seranet-fast-d5, seranet-fast-wide, seranet-fast-deep-nofusion, seranet-fast-nofusion-d5, seranet-fast-nofusion-d6, seranet-fast-nofusion-d8, seranet-fast-nofusion-d12, seranet-fast-nofusion-d8-b16, seranet-fast-nofusion-d8-ctx or seranet-v1")]
    [InlineData("train --data d -o m.srnv --batch-size 0", "--batch-size takes a whole number from 1 to 65535, not '0'")]
    [InlineData("train --data d --out m.srnv", "'--out'")]
    [InlineData("train --data d -o m.srnv --scales 0.5,2", "--scales takes comma-separated shrink factors above 0 and below 1")]
    [InlineData("train --data d -o m.srnv --degrade jpeg,fog", "--degrade takes a comma-separated list of jpeg, h264, noise and blur")]
    [InlineData("train --data d -o m.srnv --skip-flat 1.5", "--skip-flat takes a probability from 0 to 1, not '1.5'")]
    [InlineData("train --data d -o m.srnv --edge-crops 2", "--edge-crops takes a probability from 0 to 1, not '2'")]
    [InlineData("train --data d -o m.srnv --shrunk-only", "--shrunk-only needs the shrink factors")]
    [InlineData("train --data d -o m.srnv --ema 1", "--ema takes a decay above 0 and below 1, such as 0.999, not '1'")]
    [InlineData("train --data d -o m.srnv --pretrain-steps 100", "--pretrain-steps needs --pretrain crbm.")]
    [InlineData("train --data d -o m.srnv --pretrain rbm", "--pretrain takes none or crbm, not 'rbm'")]
    [InlineData("train --data d -o m.srnv --pretrain crbm --pretrain-steps 0", "--pretrain-steps takes a whole number of at least 1, not '0'")]
    [InlineData("compare-runs -o p.png --run runs/a", "--run takes LABEL=FOLDER, such as 'no fusion=runs/ablation-nofusion', not 'runs/a'")]
    [InlineData("compare-runs -o p.png --run a=r --by epoch", "--by takes step or minutes, not 'epoch'")]
    [InlineData("eval --data d --device tpu", "--device takes auto, cpu or cuda, not 'tpu'")]
    public void Other_bad_values_and_old_spellings_are_usage_errors_too(string commandLine, string error)
    {
        var outcome = Run(commandLine.Split(' '));

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.StartsWith("error: ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains(error, outcome.Stderr.Split('\n')[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upscale in.mp4 -o out.mkv --memory 1.5G", 1610612736L)]
    [InlineData("upscale in.mp4 -o out.mkv --memory 800M", 838860800L)]
    [InlineData("image a.png -o b.png --memory 2GiB", 2147483648L)]
    [InlineData("image a.png -o b.png --memory 1g", 1073741824L)]
    public void Memory_takes_a_size_with_a_binary_unit(string commandLine, long bytes)
    {
        var parsed = SeranetCli.Create().Parse(commandLine.Split(' '));

        Assert.Empty(parsed.Errors);
        Assert.Equal(bytes, parsed.GetValue<long?>("--memory"));
    }

    [Fact]
    public void Help_still_prints_on_stdout_and_succeeds()
    {
        var outcome = Run("upscale", "--help");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("--encoder-preset", outcome.Stdout, StringComparison.Ordinal);
        Assert.Contains("--ffmpeg-arg", outcome.Stdout, StringComparison.Ordinal);
        Assert.Equal("", outcome.Stderr);
    }

    [Fact]
    public void Ffmpeg_arguments_are_one_per_option_in_order()
    {
        var root = SeranetCli.Create();
        var parsed = root.Parse(["upscale", "in.mp4", "-o", "out.mkv", "--ffmpeg-arg=-tune", "--ffmpeg-arg", "film", "--ffmpeg-arg=-metadata", "--ffmpeg-arg", "title=a b"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(["-tune", "film", "-metadata", "title=a b"], parsed.GetValue<string[]>("--ffmpeg-arg")!);
    }

    /// <summary>Videos (upscale, and preview, which shows what upscale writes) default to the model trained on compressed input, photos to the RGB one, the pipe filter to the engine's embedded Y model.</summary>
    [Theory]
    [InlineData("upscale in.mp4 -o out.mkv", SeRanet.Video.Upscaler.Weights.ModelCatalog.DefaultVideoName)]
    [InlineData("image in.png -o out.png", SeRanet.Video.Upscaler.Weights.ModelCatalog.DefaultImageName)]
    [InlineData("preview in.mp4 --frame 3", SeRanet.Video.Upscaler.Weights.ModelCatalog.DefaultVideoName)]
    [InlineData("filter", SeRanet.Video.Upscaler.Weights.ModelCatalog.DefaultName)]
    public void Each_command_names_its_default_model(string commandLine, string expected)
    {
        var parsed = SeranetCli.Create().Parse(commandLine.Split(' '));

        Assert.Empty(parsed.Errors);
        Assert.Equal(expected, parsed.GetValue<string?>("--model"));
    }

    [Theory]
    [InlineData("upscale in.mp4 -o out.mkv --scale 4 --batch 8 --tile 64 --tile-batch 2 --codec libx265 --crf 51 --encoder-preset slow --json")]
    [InlineData("upscale in.mp4 -o out.webm --codec libsvtav1 --crf 63 --encoder-preset -2")]
    [InlineData("upscale in.mp4 -o out.mkv --codec h264_nvenc --crf 70")]
    [InlineData("preview in.mp4 --frames 100-110 -o frames/ --crop 0,0,16,16 --json")]
    [InlineData("preview in.mp4 --at 00:01:02.5")]
    [InlineData("preview in.mp4 --report r.html --samples 3 --json")]
    [InlineData("train --data a b -o m.srnv --preset seranet-fast-deep --color y --batch-size 4 --scales 0.75,0.5 --shrunk-only --degrade jpeg,h264 --json")]
    [InlineData("train --data a -o m.srnv --preset seranet-fast-deep --color y --pretrain crbm --pretrain-steps 300")]
    [InlineData("train --data a -o m.srnv --preset seranet-fast-deep-nofusion --color y")]
    [InlineData("compare-runs -o p.png --run a=runs/a --run b=runs/b --by minutes --title t")]
    [InlineData("bench --preset seranet-fast --color y --size 320x180 --count 40 --batch 2 --json")]
    [InlineData("filter --size 640x360 --pix-fmt rgb48le --batch 4 --device cpu")]
    [InlineData("models --json")]
    public void Good_command_lines_parse_without_errors(string commandLine)
    {
        var parsed = SeranetCli.Create().Parse(commandLine.Split(' '));

        Assert.Empty(parsed.Errors.Select(e => e.Message));
    }
}
