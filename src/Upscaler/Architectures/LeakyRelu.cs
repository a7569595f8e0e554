using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>
/// Leaky ReLU with slope 0.1. TorchSharp's own module builds a fresh Scalar on every call and
/// lets it be finalised during the native call (see <see cref="TorchScalars"/>); this one uses
/// a process-lifetime Scalar. It has no parameters, so weight files are unaffected.
/// </summary>
public sealed class LeakyRelu(string name) : nn.Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor input) => input.leaky_relu(TorchScalars.LeakySlope);
}
