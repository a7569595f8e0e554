using Microsoft.ML.OnnxRuntime;

namespace SeRanet.Video.Upscaler.Inference.OnnxRuntime;

/// <summary>
/// Which ONNX Runtime execution provider runs the network, and the session settings every
/// session shares. The CUDA provider exists only in the GPU package (the SeRanetOnnxRuntime=cuda
/// build), and loads only where its libraries are found: for 1.31, an NVIDIA driver for CUDA 13
/// (libcuda.so.1), the CUDA 13 runtime and BLAS (libcudart.so.13, libcublas.so.13,
/// libcublasLt.so.13, libcurand.so.10) and cuDNN 9.
/// </summary>
public static class OnnxRuntimeProviders
{
    private const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>Whether this build's ONNX Runtime carries the CUDA execution provider (says nothing about a GPU).</summary>
    public static bool BuildHasCuda => Available().Contains(CudaProvider, StringComparer.Ordinal);

    /// <summary>
    /// Whether the CUDA provider loads here: in the build, and its libraries (CUDA, cuDNN, the
    /// driver) found. The device itself is checked when a session opens.
    /// </summary>
    public static bool CudaLoads()
    {
        if (!BuildHasCuda)
        {
            return false;
        }
        // A probe, not a request: ONNX Runtime's own log line about the missing library would
        // read as an error on every CPU-only machine with the GPU build.
        var environment = OrtEnv.Instance();
        var logLevel = environment.EnvLogLevel;
        environment.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            using var options = CreateSessionOptions(cuda: true);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            environment.EnvLogLevel = logLevel;
        }
    }

    /// <summary>Graph optimisations on, one intra-op thread per core, and the CUDA provider first when asked.</summary>
    public static SessionOptions CreateSessionOptions(bool cuda)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Environment.ProcessorCount,
        };
        // Idle pool threads sleep instead of spinning: around the network the decoder, the
        // encoder and libtorch's glue need the same cores (spinning made whole runs 4x slower
        // on two cores while the model alone was unaffected).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (!cuda)
        {
            return options;
        }
        try
        {
            if (!BuildHasCuda)
            {
                throw new InvalidOperationException(
                    "The onnxruntime backend cannot use CUDA: this build carries ONNX Runtime's CPU package. " +
                    "Build with -p:SeRanetOnnxRuntime=cuda (scripts/build-onnxruntime-gpu.sh) for its CUDA execution provider.");
            }
            options.AppendExecutionProvider_CUDA(0);
            return options;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            options.Dispose();
            throw CudaUnavailable(ex);
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>The one message for a CUDA provider that will not load or start, with ONNX Runtime's reason.</summary>
    internal static InvalidOperationException CudaUnavailable(Exception cause) =>
        new($"ONNX Runtime's CUDA execution provider cannot start: {FirstLine(cause.Message)} " +
            "It needs an NVIDIA GPU with a driver for CUDA 13, and the CUDA 13 runtime (libcudart.so.13, libcublas.so.13, " +
            "libcublasLt.so.13, libcurand.so.10) and cuDNN 9 libraries on the library path.", cause);

    private static string[] Available()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders();
        }
        catch (TypeInitializationException ex) when (ex.InnerException is DllNotFoundException)
        {
            throw NativeRuntimeMissing(ex);
        }
        catch (DllNotFoundException ex)
        {
            throw NativeRuntimeMissing(ex);
        }
    }

    private static InvalidOperationException NativeRuntimeMissing(Exception cause) =>
        new("ONNX Runtime's native library was not found: the application must carry the Microsoft.ML.OnnxRuntime package " +
            "(or Microsoft.ML.OnnxRuntime.Gpu.Linux), not only its managed API.", cause);

    private static string FirstLine(string message)
    {
        string line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return line.EndsWith('.') ? line : line + ".";
    }
}
