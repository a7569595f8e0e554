using System.Globalization;
using System.Text;
using System.Text.Json;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Upscaler.Export;

/// <summary>An exported mpv user shader: the file's text and how many passes it runs per frame.</summary>
public sealed record MpvShader(string Text, int Passes);

/// <summary>
/// Writes a Y model as an mpv user shader (<c>//!HOOK LUMA</c> passes, four channels per texture),
/// which mpv (<c>--glsl-shaders</c>), libplacebo, FFmpeg's <c>libplacebo</c> filter and Video2X run
/// on any GPU. The passes are the inference form (<see cref="FusedSplitSplice.Layers"/>) layer for
/// layer: the two feature paths, the four branches as grouped convolutions, the output convolution
/// folded in front of the splice with the residual's bicubic, then the splice into the 2x luma.
/// The network's replicated-edge padding is reproduced exactly: each layer's textures keep the
/// margin of pixels beyond the image that the following layers read, so the borders match the
/// tool's output too. Chroma is left to the renderer's own scaler.
/// </summary>
public static class MpvShaderExporter
{
    private const string Prefix = "SRN_";

    // One line per value in the header: the training record can be long.
    private static readonly JsonSerializerOptions Compact = new(ModelJson.Options) { WriteIndented = false };

    public static MpvShader Build(LoadedModel model, MpvShaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ModelHeader header = model.Header;
        if (header.ColorMode != ColorMode.Y || model.Network.Channels != 1)
        {
            throw new InvalidOperationException(
                $"{header.Name} is an RGB model; the mpv shader runs on the luma plane, so only Y models (such as {Presets.SeRanetFastDeep}) export to it. The ONNX export takes RGB models.");
        }
        if (header.Scale != 2)
        {
            throw new InvalidOperationException($"Only 2x networks export; {header.Name} is {header.Scale}x.");
        }
        using var inference = model.Network.CreateInferenceForm();
        if (inference is not FusedSplitSplice fused)
        {
            throw new InvalidOperationException($"The {header.Architecture} architecture has no mpv shader export.");
        }
        FusedLayers layers = fused.Layers;
        if (layers.ContextJoin is not null)
        {
            throw new InvalidOperationException($"{header.Name} has a context path, which the mpv shader export does not write; the ONNX export takes it.");
        }
        if (layers.OutputBeforeSplice is not { } output)
        {
            throw new InvalidOperationException(
                $"{header.Name} has {layers.Tail.Count} full-resolution layers after the splice; the mpv shader export takes networks whose output convolution folds in front of the splice (the seranet-fast presets).");
        }

        var passes = new MpvShaderPasses(header.Name, options);
        WriteHeader(passes, model, options);

        // Margins count down from the network's padding as the engine's valid convolutions crop it.
        int margin = model.Network.Padding;
        FeatureMap leaky = MpvShaderPasses.Luma, sigmoid = MpvShaderPasses.Luma;
        for (int i = 0; i < layers.LeakyPath.Count; i++)
        {
            margin -= Radius(layers.LeakyPath[i]);
            leaky = passes.Convolution($"{Prefix}L{i + 1}_", $"lrelu_path.conv{i + 1}", margin, Activation.LeakyRelu,
                new ConvolutionTerm([leaky], layers.LeakyPath[i]));
            if (i < layers.SigmoidPath.Count)
            {
                sigmoid = passes.Convolution($"{Prefix}S{i + 1}_", $"crbm_path.conv{i + 1}", margin, Activation.Sigmoid,
                    new ConvolutionTerm([sigmoid], layers.SigmoidPath[i]));
            }
        }
        IReadOnlyList<FeatureMap> features = layers.SigmoidPath.Count > 0 ? [leaky, sigmoid] : [leaky];

        // Branch k (lu, ru, ld, rd) owns the k-th quarter of the channels; groups keep them apart.
        for (int i = 0; i < layers.Branches.Count; i++)
        {
            margin -= Radius(layers.Branches[i]);
            features = [passes.Convolution($"{Prefix}B{i + 1}_", $"branches.conv{i + 1}", margin, Activation.LeakyRelu,
                new ConvolutionTerm(features, layers.Branches[i]))];
        }

        if (margin - Radius(output) != layers.OutputCrop)
        {
            throw new InvalidOperationException(
                $"The branches leave {margin} pixels of margin where the inference form crops {layers.OutputCrop} before a {output.Weight.shape[2]}x{output.Weight.shape[2]} convolution; the export would not match.");
        }
        // Output sub-pixel 2 dy + dx in channel 2 dy + dx, with the bicubic 2x of the input added.
        List<ConvolutionTerm> terms = [new(features, output)];
        if (layers.BicubicBeforeSplice is { } bicubic)
        {
            terms.Add(new ConvolutionTerm([MpvShaderPasses.Luma], bicubic));
        }
        FeatureMap subPixels = passes.Convolution($"{Prefix}OUT", layers.BicubicBeforeSplice is null ? "tail.output (sub-pixels)" : "tail.output (sub-pixels) + bicubic",
            0, Activation.None, [.. terms]);
        passes.Splice(subPixels, "splice into the 2x luma");
        return new MpvShader(passes.Text, passes.Passes);
    }

    /// <summary>Writes the file whole or not at all: a temporary beside it is renamed when complete.</summary>
    public static MpvShader Write(LoadedModel model, string path, MpvShaderOptions options)
    {
        MpvShader shader = Build(model, options);
        string fullPath = Path.GetFullPath(path);
        string temporary = fullPath + ".partial";
        File.WriteAllText(temporary, shader.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, fullPath, overwrite: true);
        return shader;
    }

    private static int Radius(FusedConvolution layer) => (int)layer.Weight.shape[2] / 2;

    /// <summary>What a file found alone needs to say: which model, how it was made, what it expects.</summary>
    private static void WriteHeader(MpvShaderPasses passes, LoadedModel model, MpvShaderOptions options)
    {
        ModelHeader header = model.Header;
        string levels = options.LimitedRange ? "video levels (16-235 at 8 bits)" : "full range (0-255 at 8 bits)";
        passes.Comment($"SeRanet {header.Name}: 2x luma super-resolution, an mpv / libplacebo user shader.");
        passes.Comment($"Model: {model.Description}; options {JsonSerializer.Serialize(header.ArchitectureOptions, Compact)}");
        passes.Comment($"Weights SHA-256: {header.PayloadSha256}");
        if (header.Training is { } training)
        {
            passes.Comment($"Training: {JsonSerializer.Serialize(training, Compact)}");
        }
        if (header.Metrics is { Count: > 0 } metrics)
        {
            passes.Comment($"Metrics: {JsonSerializer.Serialize(metrics, Compact)}");
        }
        passes.Comment($"Input: the LUMA plane as {levels}, stretched to the full-range luma the network was trained on");
        passes.Comment("and back after it. Output: the luma at twice the width and height; chroma is left to the renderer's scaler.");
        passes.Comment($"Edges: the network's {model.Padding} px of replicated edge are reproduced exactly (each layer keeps the margin the next reads).");
        passes.Comment(string.Create(CultureInfo.InvariantCulture,
            $"Runs when the output is at least {options.MinimumOutputScale}x the video. {model.Network.MultiplyAddsPerPixel} multiply-adds per input pixel."));
        passes.Comment("Use: mpv --vo=gpu-next --glsl-shaders=THIS_FILE, or FFmpeg's libplacebo filter (custom_shader_path=THIS_FILE), or Video2X's libplacebo processor.");
    }
}
