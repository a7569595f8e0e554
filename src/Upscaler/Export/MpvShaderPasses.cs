using System.Globalization;
using System.Text;
using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Export;

/// <summary>
/// Feature channels of one layer, four to a texture (RGBA), named <c>Name0</c>, <c>Name1</c>...
/// Each texture is the luma plane's size plus <see cref="Margin"/> pixels on every side: the
/// pixels outside the image that later layers read, computed from the replicated edge as the
/// network's padding does, rather than repeating the feature map's own edge.
/// </summary>
internal sealed record FeatureMap(string Name, int Channels, int Margin)
{
    public int Textures => (Channels + 3) / 4;

    public string Texture(int index) => Name + index.ToString(CultureInfo.InvariantCulture);
}

internal enum Activation
{
    None,
    LeakyRelu,
    Sigmoid,
}

/// <summary>One convolution's contribution to a pass: its weights over the concatenated inputs.</summary>
internal sealed record ConvolutionTerm(IReadOnlyList<FeatureMap> Inputs, FusedConvolution Layer);

/// <summary>
/// Writes mpv user-shader passes (<c>//!HOOK LUMA</c>, fragment shaders) that compute convolutions
/// over textures of four channels. Every pass locates its texel from the normalised position mpv
/// and libplacebo give each bound texture, and reads its inputs with <c>texelFetch</c> at whole-pixel
/// offsets, so no filtering or rounding of positions is involved. The input luma is read with its
/// coordinates clamped to the image, which is the network's replicated edge.
/// </summary>
internal sealed class MpvShaderPasses(string model, MpvShaderOptions options)
{
    /// <summary>The textures one pass may bind: SHADER_MAX_BINDS in both mpv and libplacebo.</summary>
    public const int MaxBindsPerPass = 16;

    /// <summary>The hooked luma plane, one channel, read with its edge replicated.</summary>
    public static readonly FeatureMap Luma = new("HOOKED", 1, 0);

    // The slope TorchScalars.LeakySlope holds.
    private const string LeakySlope = "0.1";

    private readonly StringBuilder _text = new();

    public int Passes { get; private set; }

    public string Text => _text.ToString();

    public void Comment(string line) =>
        // libplacebo and mpv read from the first "//!"; the header must not contain one.
        _text.Append("// ").AppendLine(line.Replace("//!", "// !", StringComparison.Ordinal).ReplaceLineEndings(" "));

    /// <summary>
    /// One pass per output texture of <paramref name="name"/>: the sum of the terms and their biases, through <paramref name="activation"/>, at <paramref name="margin"/>.
    /// </summary>
    public FeatureMap Convolution(string name, string description, int margin, Activation activation, params ConvolutionTerm[] terms)
    {
        int outputs = (int)terms[0].Layer.Weight.shape[0];
        if (terms.Any(term => term.Layer.Weight.shape[0] != outputs))
        {
            throw new InvalidOperationException($"{description}: the summed convolutions have different output widths.");
        }
        var output = new FeatureMap(name, outputs, margin);
        var weights = terms.Select(term => Floats(term.Layer.Weight)).ToList();
        float[] bias = new float[outputs];
        foreach (var term in terms.Where(term => term.Layer.Bias is not null))
        {
            float[] values = Floats(term.Layer.Bias!);
            for (int o = 0; o < outputs; o++)
            {
                bias[o] += values[o];
            }
        }
        for (int texture = 0; texture < output.Textures; texture++)
        {
            var body = new StringBuilder();
            var binds = new List<(string Texture, int Margin)>();
            bool readsLuma = false;
            body.Append("    vec4 s = ").Append(Vector(bias, 4 * texture)).AppendLine(";");
            for (int t = 0; t < terms.Length; t++)
            {
                readsLuma |= WriteTerm(body, binds, terms[t], weights[t], texture, margin);
            }
            body.Append("    return ").Append(activation switch
            {
                Activation.LeakyRelu => $"max(s, {LeakySlope} * s)",
                Activation.Sigmoid => "1.0 / (1.0 + exp(-s))",
                _ => "s",
            }).AppendLine(";");

            if (readsLuma || binds.Count == 0)
            {
                // A texture whose weights are all zero still needs a bound texture to find its texel.
                binds.Insert(0, (Luma.Name, Luma.Margin));
            }
            // Where this texel is, from the first bound texture: the luma when it is read.
            var (referenceTexture, referenceMargin) = binds[0];
            if (binds.Count > MaxBindsPerPass)
            {
                throw new InvalidOperationException(
                    $"{description} reads {binds.Count} textures in one pass; mpv and libplacebo bind at most {MaxBindsPerPass}. The network is too wide for this export.");
            }
            int grow = 2 * (margin - referenceMargin);
            var pass = new StringBuilder();
            if (readsLuma)
            {
                pass.Append(LumaReader());
            }
            pass.AppendLine("vec4 hook() {");
            pass.Append(CultureInfo.InvariantCulture,
                $"    ivec2 c = ivec2(floor({referenceTexture}_pos * ({referenceTexture}_size {(grow < 0 ? "-" : "+")} {Math.Abs(grow)}.0))) - {margin};").AppendLine();
            pass.Append(body).AppendLine("}");
            string channels = $"{4 * texture}-{Math.Min(4 * texture + 3, outputs - 1)}";
            WritePass($"{description} [{channels}]", binds.Select(bind => bind.Texture).ToList(), output.Texture(texture), $"HOOKED.w {2 * margin} +", $"HOOKED.h {2 * margin} +", 4, pass.ToString());
        }
        return output;
    }

    /// <summary>
    /// The last pass: the 2x luma from four sub-pixel channels (channel 2 dy + dx at sub-pixel
    /// (dy, dx), pixel_shuffle's order), clipped to [0, 1] and returned to the video's levels.
    /// </summary>
    public void Splice(FeatureMap subPixels, string description)
    {
        if (subPixels.Channels != 4 || subPixels.Margin != 0)
        {
            throw new InvalidOperationException($"The splice takes four sub-pixel channels without margin, not {subPixels.Channels} at {subPixels.Margin}.");
        }
        string texture = subPixels.Texture(0);
        var (black, range) = Levels();
        string body = $$"""
            vec4 hook() {
                ivec2 p = ivec2(floor({{texture}}_pos * {{texture}}_size * 2.0));
                vec4 s = texelFetch({{texture}}_raw, p / 2, 0);
                float y = clamp(s[2 * (p.y & 1) + (p.x & 1)], 0.0, 1.0);
                return vec4(y * {{Number(range)}} + {{Number(black)}}, 0.0, 0.0, 1.0);
            }

            """;
        WritePass(description, ["HOOKED", texture], save: null, "HOOKED.w 2 *", "HOOKED.h 2 *", components: null, body);
    }

    /// <summary>Adds one convolution's taps for output texture <paramref name="texture"/>; whether it read the luma.</summary>
    private static bool WriteTerm(StringBuilder body, List<(string Texture, int Margin)> binds, ConvolutionTerm term, float[] weight, int texture, int margin)
    {
        var layer = term.Layer;
        int outputs = (int)layer.Weight.shape[0], inputsPerGroup = (int)layer.Weight.shape[1], kernel = (int)layer.Weight.shape[2];
        int outputsPerGroup = outputs / layer.Groups, radius = kernel / 2;
        int inputChannels = term.Inputs.Sum(map => map.Channels);
        if (inputChannels != inputsPerGroup * layer.Groups)
        {
            throw new InvalidOperationException($"A convolution over {inputChannels} channels has weights for {inputsPerGroup * layer.Groups}.");
        }
        // Weight of input channel i (of the concatenation) for output 4 texture + row, zero outside its group.
        float Tap(int row, int i, int ky, int kx)
        {
            int o = 4 * texture + row;
            if (o >= outputs)
            {
                return 0f;
            }
            int j = i - o / outputsPerGroup * inputsPerGroup;
            return j < 0 || j >= inputsPerGroup ? 0f : weight[((o * inputsPerGroup + j) * kernel + ky) * kernel + kx];
        }

        bool readsLuma = false;
        int first = 0;
        foreach (var map in term.Inputs)
        {
            for (int t = 0; t < map.Textures; t++)
            {
                for (int ky = 0; ky < kernel; ky++)
                for (int kx = 0; kx < kernel; kx++)
                {
                    // Columns are the texture's channels, rows the pass's outputs (GLSL is column-major).
                    float[] matrix = new float[16];
                    for (int column = 0; column < 4; column++)
                    {
                        int channel = 4 * t + column;
                        for (int row = 0; row < 4 && channel < map.Channels; row++)
                        {
                            matrix[4 * column + row] = Tap(row, first + channel, ky, kx);
                        }
                    }
                    if (matrix.All(v => v == 0f))
                    {
                        continue;
                    }
                    string offset = $"ivec2({kx - radius + map.Margin}, {ky - radius + map.Margin})";
                    if (ReferenceEquals(map, Luma))
                    {
                        readsLuma = true;
                        body.Append("    s += ").Append(Vector(matrix, 0)).Append(" * luma(c + ").Append(offset).AppendLine(");");
                        continue;
                    }
                    if (map.Margin < margin + radius)
                    {
                        throw new InvalidOperationException($"{map.Name} keeps {map.Margin} pixels of margin; a {kernel}x{kernel} convolution to margin {margin} needs {margin + radius}.");
                    }
                    string name = map.Texture(t);
                    if (!binds.Contains((name, map.Margin)))
                    {
                        binds.Add((name, map.Margin));
                    }
                    body.Append("    s += mat4(").AppendJoin(", ", matrix.Select(Number)).Append(") * texelFetch(")
                        .Append(name).Append("_raw, c + ").Append(offset).AppendLine(", 0);");
                }
            }
            first += map.Channels;
        }
        return readsLuma;
    }

    /// <summary>The network's input: the luma at an image coordinate, edge replicated, in full range.</summary>
    private string LumaReader()
    {
        var (black, range) = Levels();
        return $$"""
            float luma(ivec2 p) {
                float y = HOOKED_mul * texelFetch(HOOKED_raw, clamp(p, ivec2(0), ivec2(HOOKED_size) - 1), 0).x;
                return clamp((y - {{Number(black)}}) * {{Number(1 / range)}}, 0.0, 1.0);
            }

            """;
    }

    /// <summary>Black and the span to white, as fractions of the plane's full scale.</summary>
    private (float Black, float Range) Levels() => options.LimitedRange ? (16f / 255, 219f / 255) : (0f, 1f);

    private void WritePass(string description, IReadOnlyList<string> binds, string? save, string width, string height, int? components, string body)
    {
        Passes++;
        _text.AppendLine().Append("//!DESC ").Append(model).Append(": ").AppendLine(description);
        _text.AppendLine("//!HOOK LUMA");
        foreach (string bind in binds)
        {
            _text.Append("//!BIND ").AppendLine(bind);
        }
        if (save is not null)
        {
            _text.Append("//!SAVE ").AppendLine(save);
        }
        _text.Append("//!WIDTH ").AppendLine(width);
        _text.Append("//!HEIGHT ").AppendLine(height);
        if (components is { } count)
        {
            _text.Append("//!COMPONENTS ").AppendLine(count.ToString(CultureInfo.InvariantCulture));
        }
        // LUMA, not HOOKED: mpv 0.35's gpu-next (libplacebo 4.208) crashes on HOOKED in a condition.
        string scale = Number((float)options.MinimumOutputScale);
        _text.Append("//!WHEN OUTPUT.w LUMA.w / ").Append(scale).Append(" > OUTPUT.h LUMA.h / ").Append(scale).AppendLine(" > *");
        _text.Append(body);
    }

    private static string Vector(float[] values, int start) =>
        $"vec4({string.Join(", ", Enumerable.Range(start, 4).Select(i => Number(i < values.Length ? values[i] : 0f)))})";

    /// <summary>The shortest text that reads back as the same float, always a GLSL float literal.</summary>
    internal static string Number(float value)
    {
        if (!float.IsFinite(value))
        {
            throw new InvalidOperationException($"A weight is {value}; the model cannot be exported.");
        }
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static float[] Floats(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        return tensor.detach().to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
    }
}
