using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeRanet.Video.Upscaler.Weights;

/// <summary>
/// The range of values each activation of a network took over a fixed set of real photos, which
/// is what the int8 graph's quantisation scales are made from. Measured once by a command and
/// kept beside the model as <c>NAME.int8.json</c>, so that the int8 graph is the same on every run
/// and never depends on the pictures a user happens to upscale. It names the weights it was
/// measured for: ranges of other weights would quantise the wrong numbers.
/// </summary>
public sealed record ActivationRanges
{
    /// <summary>What a file of ranges is called beside a model: NAME.int8.json for NAME.srnv.</summary>
    public const string Extension = ".int8.json";

    public required string Model { get; init; }

    /// <summary>The <see cref="ModelHeader.PayloadSha256"/> of the weights the ranges were measured on.</summary>
    public required string WeightsSha256 { get; init; }

    /// <summary>Where the photos came from and how they were used, for a reader of the file.</summary>
    public required string Calibration { get; init; }

    public required int Photos { get; init; }

    /// <summary>Per graph tensor (named as in the exported ONNX graph): the least and the greatest value seen.</summary>
    public required IReadOnlyDictionary<string, ValueRange> Tensors { get; init; }

    public static ActivationRanges Read(Stream stream, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<ActivationRanges>(stream, ModelJson.Options)
                ?? throw new InvalidDataException($"{source} holds no activation ranges.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source} is not a file of activation ranges: {ex.Message}", ex);
        }
    }

    /// <summary>The ranges kept beside <paramref name="modelPath"/>, or null when there are none.</summary>
    public static ActivationRanges? ReadBeside(string modelPath)
    {
        string path = PathBeside(modelPath);
        if (!File.Exists(path))
        {
            return null;
        }
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>NAME.int8.json beside NAME.srnv (or beside any other file name, with the extension added).</summary>
    public static string PathBeside(string modelPath) =>
        Path.ChangeExtension(modelPath, null) + Extension;

    /// <summary>Writes the file whole or not at all.</summary>
    public void Write(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string temporary = fullPath + ".partial";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, ModelJson.Options) + "\n");
        File.Move(temporary, fullPath, overwrite: true);
    }
}

/// <summary>The least and the greatest value of a tensor, as a JSON pair [min, max].</summary>
[JsonConverter(typeof(ValueRangeJsonConverter))]
public readonly record struct ValueRange(float Min, float Max)
{
    public ValueRange Including(float min, float max) => new(Math.Min(Min, min), Math.Max(Max, max));

    public static ValueRange Empty => new(float.PositiveInfinity, float.NegativeInfinity);
}

internal sealed class ValueRangeJsonConverter : JsonConverter<ValueRange>
{
    // Read by hand, not through a float[] serializer: libseranet is compiled ahead of time, where
    // only the source-generated types can be read.
    public override ValueRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var values = new List<float>(2);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A range is a pair [min, max].");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            values.Add(reader.GetSingle());
        }
        if (reader.TokenType != JsonTokenType.EndArray || values.Count != 2 || !(values[0] <= values[1]))
        {
            throw new JsonException("A range is a pair [min, max] with min at most max.");
        }
        return new ValueRange(values[0], values[1]);
    }

    public override void Write(Utf8JsonWriter writer, ValueRange value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Min);
        writer.WriteNumberValue(value.Max);
        writer.WriteEndArray();
    }
}
