namespace SeRanet.Video.Upscaler.Export;

/// <summary>How <see cref="OnnxExporter"/> writes a model.</summary>
public sealed record OnnxExportOptions
{
    public const int MinOpset = 13;
    public const int MaxOpset = 17;

    /// <summary>
    /// The ONNX operator set. 13 by default: the oldest in which every operator used here has its
    /// current form (Pad and Clip take their limits as inputs), so older runtimes load the file.
    /// </summary>
    public int Opset { get; init; } = MinOpset;

    /// <summary>Float16 weights, input and output (GPU runtimes), instead of float32.</summary>
    public bool Float16 { get; init; }

    /// <summary>
    /// Whether the graph pads its input's edges itself (files for other tools: they need to know
    /// nothing about the context). The onnxruntime backend turns it off: its tiles arrive already
    /// carrying their context, as they do for the torch inference form.
    /// </summary>
    internal bool PadsEdges { get; init; } = true;

    /// <summary>
    /// An int8 graph (QuantizeLinear/DequantizeLinear around the convolutions, opset 13's QDQ
    /// form) with scales from measured activation ranges; null writes the float graph.
    /// </summary>
    public Int8Quantization? Quantization { get; init; }

    /// <summary>
    /// Whether every tensor an int8 graph would quantise is also a graph output, so a calibration
    /// session can read their ranges (a float graph otherwise).
    /// </summary>
    internal bool ExposesQuantizationPoints { get; init; }

    public void Validate()
    {
        if (Quantization is not null && (Float16 || ExposesQuantizationPoints))
        {
            throw new ArgumentException("An int8 graph is written from float32 weights, and is not a calibration graph.");
        }
        if (Opset is < MinOpset or > MaxOpset)
        {
            throw new ArgumentException($"The ONNX opset must be between {MinOpset} and {MaxOpset}, not {Opset}.");
        }
    }

    /// <summary>
    /// The IR version that goes with <see cref="Opset"/>: the oldest that carries it, so that
    /// checkers and runtimes of that era accept the file.
    /// </summary>
    internal long IrVersion => Opset <= 13 ? 7 : 8;
}
