namespace SeRanet.Video.Upscaler.Inference;

/// <summary>
/// CUDA was asked for and is not there. The message ends with the engine's advice; a shell can
/// put <see cref="Reason"/> before its own words for choosing the CPU (the CLI: --device cpu).
/// </summary>
public sealed class CudaUnavailableException : InvalidOperationException
{
    /// <summary>Why CUDA is missing and how to get it, to be followed by how to choose the CPU instead.</summary>
    public const string Reason = "CUDA was requested but is not available: this build carries the CPU backend or no CUDA GPU is present. " +
        "Rebuild with -p:SeRanetTorchBackend=cuda on a machine with an NVIDIA GPU";

    public CudaUnavailableException()
    {
    }

    public CudaUnavailableException(string message)
        : base(message)
    {
    }

    public CudaUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
