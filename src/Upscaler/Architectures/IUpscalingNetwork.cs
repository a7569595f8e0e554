using SeRanet.Video.Upscaler.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// What the rest of the library needs to know about a 2x network, whatever its architecture:
/// inference, tiling, the numerics check and the benchmark ask this, never the concrete type.
/// Built by <see cref="ArchitectureRegistry"/>.
/// </summary>
public interface IUpscalingNetwork : IDisposable
{
    /// <summary>The training form: its parameters are what training updates and its state_dict keys are the weight file's.</summary>
    nn.Module<Tensor, Tensor> ModuleForm { get; }

    /// <summary>The <see cref="ArchitectureRegistry"/> key that builds this network.</summary>
    string Architecture { get; }

    /// <summary>Input and output channels: 3 for RGB, 1 for Y only.</summary>
    int Channels { get; }

    /// <summary>Input pixels of replicated edge each side of an image (or tile) so the output is exactly 2H x 2W.</summary>
    int Padding { get; }

    /// <summary>Multiply-adds per input pixel, to compare networks.</summary>
    long MultiplyAddsPerPixel { get; }

    /// <summary>Floats of activation per input pixel held during one forward pass (for tile sizing).</summary>
    long ActivationFloatsPerPixel { get; }

    /// <summary>The convolutions the given form runs, for the numerics self-check.</summary>
    IReadOnlyList<ConvolutionShape> ConvolutionShapes(NetworkForm form);

    /// <summary>
    /// The inference form: the same function as <see cref="ModuleForm"/> in evaluation mode, laid out
    /// to run fast. It copies the weights, so later changes to the module are not seen.
    /// </summary>
    /// <param name="numbers">
    /// What its convolutions compute in: float32, or bfloat16's numbers for bf16 inference, on bfloat16
    /// kernels or on float32 ones (images in and out stay float32 either way).
    /// </param>
    IInferenceNetwork CreateInferenceForm(ConvolutionNumbers numbers = ConvolutionNumbers.Fp32);
}

/// <summary>What an inference form's convolutions compute in.</summary>
public enum ConvolutionNumbers
{
    /// <summary>float32 weights and activations.</summary>
    Fp32,

    /// <summary>bfloat16 weights and activations on the CPU's bfloat16 kernels, summed in float32.</summary>
    Bf16,

    /// <summary>
    /// <see cref="Bf16"/>'s numbers on float32 kernels: the weights, and the activations wherever
    /// the bfloat16 kernels round them, rounded to bfloat16, then summed in float32. The products of
    /// two bfloat16 numbers are exact in float32, so this gives <see cref="Bf16"/>'s results up to
    /// the order of the float32 sums, on a CPU without bfloat16 instructions too.
    /// </summary>
    Bf16OnFp32Kernels,
}

/// <summary>The inference form of a network; disposing frees its copy of the weights.</summary>
public interface IInferenceNetwork : IDisposable
{
    /// <param name="input">[N, C, H + 2P, W + 2P], values in [0, 1], P the network's padding.</param>
    /// <returns>[N, C, 2H, 2W], clipped to [0, 1].</returns>
    Tensor Forward(Tensor input);
}
