using System.Text.Json;
using System.Text.Json.Serialization;

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
    };
}
