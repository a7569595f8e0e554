using SeRanet.Video.Training.Data;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Upscaler.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// The held-out check run every epoch: a fixed batch of clean patches from the validation
/// images, the same in every session of a run, scored by MSE and PSNR, with bicubic as the
/// baseline the log and plot show beside it.
/// </summary>
public sealed class TrainingValidation
{
    /// <summary>Side of a validation patch at low resolution; validation images must hold it plus the network's context.</summary>
    public const int PatchSize = 48;

    private const int Patches = 48;
    private const int Seed = 20_160_101;
    // Patches scored together, to bound memory.
    private const int Chunk = 8;

    private readonly TrainingBatch _batch;
    private readonly int _padding;

    public TrainingValidation(IReadOnlyList<TrainingImage> images, int padding, ColorMode colorMode)
    {
        _padding = padding;
        _batch = new PatchSampler(images, PatchSize, padding, colorMode, Degradations.None, 0).FixedBatch(Patches, Seed);
    }

    /// <summary>Validation loss (MSE) and PSNR of the model, in evaluation mode; it is left in training mode.</summary>
    public (double Loss, double Psnr) Run(nn.Module<Tensor, Tensor> model)
    {
        model.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            double squaredError = 0;
            long count = 0;
            for (int start = 0; start < _batch.Count; start += Chunk)
            {
                int n = Math.Min(Chunk, _batch.Count - start);
                var (low, high) = Slice(start, n);
                Tensor output = model.call(low);
                squaredError += TrainingLoss.Square(output.sub(high)).sum().item<float>();
                count += high.numel();
            }
            double mse = squaredError / count;
            return (mse, 10 * Math.Log10(1 / mse));
        }
        finally
        {
            model.train();
        }
    }

    /// <summary>PSNR of plain bicubic upscaling on the same patches.</summary>
    public double BicubicPsnr()
    {
        using var scope = torch.NewDisposeScope();
        var (low, high) = Slice(0, _batch.Count);
        Tensor up = ColorSpaces.ClipUnit(nn.functional.interpolate(low, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bicubic, align_corners: false));
        long side = _batch.HighSide;
        Tensor centre = up[.., .., TensorIndex.Slice(2 * _padding, 2 * _padding + side), TensorIndex.Slice(2 * _padding, 2 * _padding + side)];
        double mse = TrainingLoss.Square(centre.sub(high)).mean().item<float>();
        return 10 * Math.Log10(1 / mse);
    }

    private (Tensor Low, Tensor High) Slice(int start, int count)
    {
        int lowSize = _batch.Channels * _batch.LowSide * _batch.LowSide;
        int highSize = _batch.Channels * _batch.HighSide * _batch.HighSide;
        Tensor low = torch.tensor(_batch.Low.AsSpan(start * lowSize, count * lowSize).ToArray(), [count, _batch.Channels, _batch.LowSide, _batch.LowSide]);
        Tensor high = torch.tensor(_batch.High.AsSpan(start * highSize, count * highSize).ToArray(), [count, _batch.Channels, _batch.HighSide, _batch.HighSide]);
        return (low, high);
    }
}
