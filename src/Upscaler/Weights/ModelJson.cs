using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SeRanet.Video.Upscaler.Architectures;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Upscaler;

/// <summary>JSON settings shared by the model file header and the training logs.</summary>
public static class ModelJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        // Compiled metadata for what a model file holds, so libseranet (compiled ahead of time,
        // where reflection cannot make generic serializers) reads models; reflection for the rest.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ModelFileJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}

/// <summary>The types of a model file's header, with serializers generated at compile time.</summary>
[JsonSerializable(typeof(ModelHeader))]
[JsonSerializable(typeof(SplitSpliceOptions))]
[JsonSerializable(typeof(ActivationRanges))]
internal sealed partial class ModelFileJsonContext : JsonSerializerContext;
