using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SeRanet.Video.Upscaler.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Weights;

/// <summary>
/// The .srnv model file: an 8-byte magic, the format version, a JSON header that describes the
/// model (architecture, options, colour mode, training, metrics, tensor table) and the float32
/// weights. Loading is strict: a missing, truncated, corrupt or mismatched file is an error that
/// names the problem, never a half-loaded model.
/// </summary>
public static class ModelFile
{
    public const string Extension = ".srnv";

    private static readonly byte[] Magic = "SERANET\0"u8.ToArray();
    private const int PreambleLength = 16;
    private const int MaxHeaderLength = 16 << 20;

    public static void Save(string path, nn.Module<Tensor, Tensor> model, ModelHeader header)
    {
        // The chained copies below are temporaries; the scope keeps each alive through its native
        // call (the finalizer could otherwise free one mid-call) and frees them all at the end.
        using var scope = torch.NewDisposeScope();
        var tensors = new List<TensorEntry>();
        using var payload = new MemoryStream();
        foreach (var (name, tensor) in model.state_dict())
        {
            float[] values = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            if (!Array.TrueForAll(values, float.IsFinite))
            {
                throw new InvalidDataException($"Weight '{name}' holds NaN or infinite values; refusing to write {path}, whose model would produce them.");
            }
            byte[] bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            tensors.Add(new TensorEntry(name, tensor.shape, payload.Position, bytes.Length));
            payload.Write(bytes);
        }
        byte[] payloadBytes = payload.ToArray();
        var complete = header with
        {
            FormatVersion = ModelHeader.CurrentFormatVersion,
            Tensors = tensors,
            PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(payloadBytes)),
        };
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(complete, ModelJson.Options);

        string fullPath = Path.GetFullPath(path);
        string temporary = fullPath + ".partial";
        using (var file = File.Create(temporary))
        {
            Span<byte> preamble = stackalloc byte[PreambleLength];
            Magic.CopyTo(preamble);
            BinaryPrimitives.WriteInt32LittleEndian(preamble[8..], ModelHeader.CurrentFormatVersion);
            BinaryPrimitives.WriteInt32LittleEndian(preamble[12..], headerBytes.Length);
            file.Write(preamble);
            file.Write(headerBytes);
            file.Write(payloadBytes);
        }
        File.Move(temporary, fullPath, overwrite: true);
    }

    /// <summary>Reads only the header (fast; for listing models).</summary>
    public static ModelHeader ReadHeader(string path)
    {
        using var stream = OpenForRead(path);
        return ReadHeader(stream, path);
    }

    /// <summary>Loads a model file, with the int8 activation ranges kept beside it when there are any.</summary>
    public static LoadedModel Load(string path) => Read(path).Build();

    /// <summary>Loads a model on the CPU in evaluation mode.</summary>
    /// <param name="int8Ranges">The activation ranges kept with the model (<see cref="LoadedModel.Int8Ranges"/>), if any.</param>
    public static LoadedModel Load(Stream stream, string source, ActivationRanges? int8Ranges = null) => Read(stream, source, int8Ranges).Build();

    /// <summary>Reads and checks a model file, with the int8 activation ranges kept beside it, without building its network.</summary>
    public static StoredModel Read(string path)
    {
        using var stream = OpenForRead(path);
        return Read(stream, path, ActivationRanges.ReadBeside(path));
    }

    /// <summary>
    /// Reads and checks a model (header, weights, checksum) without building its network: no
    /// libtorch is needed, so a shell can read while libtorch loads. Most of a cold read is the
    /// first JSON header parse (about 0.08 s on two cores; see README, "A few small photos").
    /// </summary>
    /// <param name="int8Ranges">The activation ranges kept with the model (<see cref="LoadedModel.Int8Ranges"/>), if any.</param>
    public static StoredModel Read(Stream stream, string source, ActivationRanges? int8Ranges = null)
    {
        ModelHeader header = ReadHeader(stream, source);
        long payloadLength = header.Tensors.Count == 0 ? 0 : header.Tensors.Max(t => t.Offset + t.Length);
        byte[] payload = new byte[payloadLength];
        try
        {
            stream.ReadExactly(payload);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{source} is truncated: its weights stop short of the {payloadLength} bytes its header lists.");
        }
        if (Convert.ToHexStringLower(SHA256.HashData(payload)) != header.PayloadSha256)
        {
            throw new InvalidDataException($"{source} is corrupt: its weights do not match the checksum in its header.");
        }
        return new StoredModel(header, payload, source) { Int8Ranges = int8Ranges };
    }

    /// <summary>Builds the network a read model describes and copies its weights in, on the CPU in evaluation mode.</summary>
    internal static LoadedModel Build(StoredModel stored)
    {
        var (header, payload, source) = (stored.Header, stored.Payload, stored.Source);
        IUpscalingNetwork model;
        try
        {
            model = ArchitectureRegistry.Build(header.Architecture, header.ArchitectureOptions);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException)
        {
            throw new InvalidDataException($"{source} describes an architecture that cannot be built: {ex.Message}", ex);
        }

        try
        {
            CopyWeights(model.ModuleForm, header, payload, source);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.ModuleForm.eval();
        return new LoadedModel(header, model) { Int8Ranges = stored.Int8Ranges };
    }

    private static void CopyWeights(nn.Module<Tensor, Tensor> model, ModelHeader header, byte[] payload, string source)
    {
        var expected = model.state_dict();
        var inFile = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !inFile.ContainsKey(k)).ToList();
        var unexpected = inFile.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new InvalidDataException(
                $"{source} does not match architecture '{header.Architecture}': " +
                (missing.Count > 0 ? $"missing {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? "..." : "")}. " : "") +
                (unexpected.Count > 0 ? $"unexpected {string.Join(", ", unexpected.Take(5))}{(unexpected.Count > 5 ? "..." : "")}." : ""));
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in expected)
        {
            TensorEntry entry = inFile[name];
            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException(
                    $"{source}: tensor {name} has shape [{string.Join(", ", entry.Shape)}], the architecture expects [{string.Join(", ", parameter.shape)}].");
            }
            if (entry.Offset < 0 || entry.Length != parameter.numel() * sizeof(float) || entry.Offset + entry.Length > payload.Length)
            {
                throw new InvalidDataException($"{source}: tensor {name} lies outside the file's weights.");
            }
            float[] values = MemoryMarshal.Cast<byte, float>(payload.AsSpan((int)entry.Offset, (int)entry.Length)).ToArray();
            using Tensor loaded = torch.tensor(values, parameter.shape);
            parameter.copy_(loaded);
        }
    }

    private static FileStream OpenForRead(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file not found: {path}", path);
        }
        return File.OpenRead(path);
    }

    private static ModelHeader ReadHeader(Stream stream, string source)
    {
        Span<byte> preamble = stackalloc byte[PreambleLength];
        if (stream.ReadAtLeast(preamble, PreambleLength, throwOnEndOfStream: false) < PreambleLength
            || !preamble[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{source} is not a SeRanet model file (.srnv).");
        }
        int version = BinaryPrimitives.ReadInt32LittleEndian(preamble[8..]);
        if (version > ModelHeader.CurrentFormatVersion || version < 1)
        {
            throw new InvalidDataException($"{source} has model format version {version}; this build reads version {ModelHeader.CurrentFormatVersion}. Update SeRanet.Video.");
        }
        int headerLength = BinaryPrimitives.ReadInt32LittleEndian(preamble[12..]);
        if (headerLength <= 0 || headerLength > MaxHeaderLength)
        {
            throw new InvalidDataException($"{source} is corrupt: implausible header length {headerLength}.");
        }
        byte[] headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
        {
            throw new InvalidDataException($"{source} is truncated inside its header.");
        }
        try
        {
            return JsonSerializer.Deserialize<ModelHeader>(headerBytes, ModelJson.Options)
                ?? throw new InvalidDataException($"{source} has an empty header.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source} is corrupt: its header is not valid JSON ({ex.Message}).", ex);
        }
    }

    /// <summary>A header for a freshly built network.</summary>
    public static ModelHeader HeaderFor(string name, SplitSpliceOptions options, ColorMode colorMode) => new()
    {
        Name = name,
        Architecture = ArchitectureRegistry.SplitSplice,
        ArchitectureOptions = ArchitectureRegistry.OptionsJson(options),
        ColorMode = colorMode,
    };

    public static string Describe(ModelHeader header) =>
        new StringBuilder().Append(header.Name).Append(" (").Append(header.Architecture).Append(", ")
            .Append(header.ColorMode == ColorMode.Y ? "Y" : "RGB").Append(", ").Append(header.Scale).Append("x)").ToString();
}

/// <summary>
/// A model file read and checked but not yet built into a network (<see cref="ModelFile.Read(string)"/>):
/// managed memory only, nothing to dispose.
/// </summary>
/// <param name="Source">Where it was read from, for messages.</param>
public sealed record StoredModel(ModelHeader Header, byte[] Payload, string Source)
{
    /// <summary>The activation ranges kept with the model for int8, if any.</summary>
    public ActivationRanges? Int8Ranges { get; init; }

    /// <summary>Builds the network (this needs libtorch) and copies the weights in.</summary>
    public LoadedModel Build() => ModelFile.Build(this);
}

/// <summary>A model and its header; disposing frees the native weights.</summary>
public sealed class LoadedModel(ModelHeader header, IUpscalingNetwork network) : IDisposable
{
    public ModelHeader Header { get; } = header;

    public IUpscalingNetwork Network { get; } = network;

    /// <summary>Pixels of edge the network needs on each side of its input.</summary>
    public int Padding => Network.Padding;

    public string Description => ModelFile.Describe(Header);

    /// <summary>
    /// The activation ranges measured for these weights on real photos (<see cref="ActivationRanges"/>),
    /// which the int8 precision needs; null when none were kept with the model.
    /// </summary>
    public ActivationRanges? Int8Ranges { get; init; }

    public void Dispose() => Network.Dispose();
}
