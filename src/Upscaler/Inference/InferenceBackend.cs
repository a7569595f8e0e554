namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// What runs the network's convolutions. Everything around the network (tiling, batching, colour
/// conversion, frames to tensors) is the same torch code for both.
/// </summary>
public enum InferenceBackend
{
    /// <summary>libtorch, through the fused inference form (<see cref="Architectures.FusedSplitSplice"/>).</summary>
    Torch,

    /// <summary>ONNX Runtime, on the same inference form exported in memory (<see cref="OnnxRuntime.OnnxRuntimeNetwork"/>).</summary>
    OnnxRuntime,
}

public static class InferenceBackends
{
    /// <summary>The backend's name in reports and on the command line: torch or onnxruntime.</summary>
    public static string Name(this InferenceBackend backend) => backend switch
    {
        InferenceBackend.Torch => "torch",
        InferenceBackend.OnnxRuntime => "onnxruntime",
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, null),
    };
}
