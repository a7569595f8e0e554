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
    public static torch.Device Resolve(DeviceChoice choice, out string description)
    {
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
