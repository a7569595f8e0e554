using SeRanet.Video.Upscaler.Imaging;
using static TorchSharp.torch;

namespace SeRanet.Video.Training.Runs;

/// <summary>
/// Turns the weights of a Y network into those of the same network in RGB, such that the RGB
/// network starts out computing what the Y model delivers: luma detail from the Y network, chroma
/// by bicubic. Fine-tuning an RGB model from there starts at the Y model's quality instead of at
/// bicubic.
/// </summary>
/// <remarks>
/// Why the lift is exact: the first convolutions read RGB through the luma weights
/// (Y = 0.299 R + 0.587 G + 0.114 B, the full-range BT.601 luma the Y mode uses), so they see Y;
/// the output convolution writes the same detail D to R, G and B. The network is residual, so
/// each channel becomes bicubic(channel) + D, whose luma is bicubic(Y) + D (the weights sum to 1)
/// and whose chroma is bicubic chroma (the chroma rows sum to 0). Only clipping to [0, 1] differs.
/// </remarks>
public static class LumaToRgbLift
{
    /// <summary>
    /// The RGB network's tensor for a Y network's <paramref name="luma"/> tensor of the same name:
    /// unchanged when the shapes agree, spread over the luma weights where the Y tensor has one
    /// input channel, repeated where it has one output channel.
    /// </summary>
    public static Tensor Lift(string name, Tensor luma, long[] rgbShape)
    {
        long[] shape = luma.shape;
        if (shape.SequenceEqual(rgbShape))
        {
            return luma;
        }
        if (shape.Length == 4 && shape[1] == 1 && rgbShape[1] == 3 && shape[0] == rgbShape[0])
        {
            // A first convolution [out, 1, k, k]: input channel c gets the luma weight of c.
            using var weights = tensor(ColorSpaces.LumaWeights.ToArray()).reshape(1, 3, 1, 1);
            return luma.mul(weights);
        }
        if ((shape.Length == 4 || shape.Length == 1) && shape[0] == 1 && rgbShape[0] == 3 && shape.Skip(1).SequenceEqual(rgbShape.Skip(1)))
        {
            // The output convolution's weight [1, in, k, k] or bias [1]: the same detail to each channel.
            return luma.repeat([3, .. Enumerable.Repeat(1L, shape.Length - 1)]);
        }
        throw new InvalidDataException(
            $"{name}: the Y model's [{string.Join(", ", shape)}] has no RGB form of shape [{string.Join(", ", rgbShape)}].");
    }
}
