using SeRanet.Video.Upscaler.Inference.OnnxRuntime;
using TorchSharp;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>Where the user asked the network to run.</summary>
public enum DeviceChoice
{
    Auto,
    Cpu,
    Cuda,
}

/// <summary>Turns a <see cref="DeviceChoice"/> into a torch device, saying why.</summary>
public static class ComputeDevice
{
    /// <summary>The device for the torch backend.</summary>
    public static torch.Device Resolve(DeviceChoice choice, out string description) =>
        Resolve(choice, InferenceBackend.Torch, out description);

    /// <summary>
    /// The device the backend's network runs on. For the onnxruntime backend, CUDA means ONNX
    /// Runtime's CUDA execution provider (the tensors around the network stay on the CPU, where
    /// libtorch runs whatever its build); auto picks it when it loads.
    /// </summary>
    public static torch.Device Resolve(DeviceChoice choice, InferenceBackend backend, out string description)
    {
        if (backend == InferenceBackend.OnnxRuntime)
        {
            return ResolveOnnxRuntime(choice, out description);
        }
        bool cuda = IsCudaAvailable();
        switch (choice)
        {
            case DeviceChoice.Cuda when !cuda:
                throw new CudaUnavailableException($"{CudaUnavailableException.Reason}, or run on the CPU.");
            case DeviceChoice.Cuda:
            case DeviceChoice.Auto when cuda:
                description = $"cuda ({torch.cuda.device_count()} GPU{(torch.cuda.device_count() == 1 ? "" : "s")})";
                return torch.CUDA;
            default:
                description = $"cpu ({torch.get_num_threads()} threads)";
                return torch.CPU;
        }
    }

    private static torch.Device ResolveOnnxRuntime(DeviceChoice choice, out string description)
    {
        bool cuda = choice switch
        {
            // Loading the provider throws, with its reason, when it cannot run here.
            DeviceChoice.Cuda => OnnxRuntimeProviders.CreateSessionOptions(cuda: true) is { } options && Release(options),
            DeviceChoice.Auto => OnnxRuntimeProviders.CudaLoads(),
            _ => false,
        };
        description = cuda ? "cuda (ONNX Runtime CUDA execution provider)" : $"cpu ({Environment.ProcessorCount} threads)";
        return cuda ? torch.CUDA : torch.CPU;

        static bool Release(IDisposable options)
        {
            options.Dispose();
            return true;
        }
    }

    private static bool IsCudaAvailable()
    {
        try
        {
            return torch.cuda.is_available();
        }
        catch (Exception ex) when (ex is DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }
}
