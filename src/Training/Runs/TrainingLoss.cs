using SeRanet.Video.Upscaler;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>The training losses, and the squared error that validation shares with them.</summary>
public static class TrainingLoss
{
    public static Tensor Of(LossKind kind, Tensor output, Tensor target) => kind switch
    {
        LossKind.L1 => nn.functional.l1_loss(output, target),
        LossKind.Charbonnier => Charbonnier(output.sub(target)),
        _ => nn.functional.mse_loss(output, target),
    };

    // TorchSharp's square() is pow(2) with an implicit scalar, which a collection can free mid-call (see TorchScalars).
    public static Tensor Square(Tensor x) => x.mul(x);

    // sqrt(d^2 + eps^2), with the scalar kept alive across the native call (see ColorSpaces).
    private static Tensor Charbonnier(Tensor difference)
    {
        using var epsilon = 1e-6.ToScalar();
        return torch.sqrt(Square(difference).add(epsilon, TorchScalars.One)).mean();
    }
}
