using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SeRanet.Video.Upscaler.Numerics;

/// <summary>How one run of <see cref="ConvolutionSelfCheck"/> went.</summary>
/// <param name="Passed">Every shape was within the tolerance of its precision (<see cref="ConvolutionSelfCheck.Tolerance"/>, <see cref="ConvolutionSelfCheck.Bf16Tolerance"/>).</param>
/// <param name="Shapes">How many shapes were compared.</param>
/// <param name="Worst">The shape with the largest relative error, and what was wrong there.</param>
/// <param name="WorstRelativeError">That error, relative to the largest reference value of the same result.</param>
public sealed record ConvolutionCheckResult(bool Passed, int Shapes, string Worst, double WorstRelativeError, TimeSpan Elapsed);

/// <summary>
/// Compares the CPU's fast convolution kernels, in the layout this project runs them (channels-last,
/// float32 forward and backward, or bfloat16 forward for <c>--precision bf16</c>), with a reference
/// on the same values. For float32 the reference is float64: libtorch has no oneDNN kernel for
/// float64, so it takes ATen's own im2col path, an independent computation, not the same kernel
/// twice. For bfloat16 it is float32 on the float32 kernels (<see cref="Bf16Reference"/>).
/// </summary>
public static class ConvolutionSelfCheck
{
    /// <summary>
    /// Largest error allowed, relative to the largest magnitude in the reference result. float32
    /// accumulation over K = C x k x k terms errs by about sqrt(K) x 6e-8 relative to the sum of the
    /// terms' magnitudes: under 5e-6 for the widest layer checked here (K = 6400). 1e-4 leaves a
    /// factor of 20 for unlucky rounding, and is still four orders of magnitude below the errors of
    /// the broken kernels this guards against (about 0.4 relative to values around 2.5).
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// The same for bfloat16 (values rounded to bfloat16 before both computations, so only the
    /// kernel's arithmetic counts): oneDNN accumulates in float32 and rounds each output to bfloat16's
    /// 8-bit mantissa, at most 2^-9 (0.2%) of the largest output. 1e-2 leaves a factor of 5; the
    /// broken AVX-512 bfloat16 kernels this guards against erred by about 0.4.
    /// </summary>
    public const double Bf16Tolerance = 1e-2;

    /// <summary>Output side checked: the broken AVX-512 kernels were exact below 32x32.</summary>
    public const int Side = 32;

    /// <summary>
    /// Output side checked for bfloat16: on an AMD EPYC the single-input-channel bfloat16
    /// convolutions were wrong at 128x128 (relative error 0.5) but not all of them at 32x32.
    /// </summary>
    public const int Bf16Side = 128;

    /// <summary>
    /// Channels per group are capped so the check stays cheap. The kernel choice that went wrong
    /// depended on the image size and on the input channels' remainder past oneDNN's 16-channel
    /// blocks (24 and 40 failed; 16, 32, 48 and 64 were exact), so capping keeps that remainder.
    /// </summary>
    public const int MaxChannelsPerGroup = 64;

    /// <summary>A convolution as libtorch's <c>conv2d(input, weight, bias, groups, dilation)</c> computes it.</summary>
    public delegate Tensor Convolution(Tensor input, Tensor weight, Tensor bias, int groups, int dilation);

    private static readonly Convolution LibTorch = (input, weight, bias, groups, dilation) =>
        nn.functional.conv2d(input, weight, bias, dilation: [dilation, dilation], groups: groups);

    /// <summary>How one precision is checked: the output side and the error allowed, kept together.</summary>
    private sealed record PrecisionSettings(int Side, double Tolerance)
    {
        public static PrecisionSettings For(ScalarType precision) =>
            precision == ScalarType.BFloat16
            ? new(ConvolutionSelfCheck.Bf16Side, ConvolutionSelfCheck.Bf16Tolerance)
            : new(ConvolutionSelfCheck.Side, ConvolutionSelfCheck.Tolerance);
    }

    /// <param name="shapes">The convolutions to compare.</param>
    /// <param name="convolution">The float32 path under test; libtorch's conv2d by default.</param>
    /// <param name="backward">Also compare the input and weight gradients (what training uses).</param>
    /// <param name="precision">float32, or bfloat16 (forward only: nothing trains in bfloat16).</param>
    public static ConvolutionCheckResult Run(IEnumerable<ConvolutionShape> shapes, Convolution? convolution = null, bool backward = true,
        ScalarType precision = ScalarType.Float32)
    {
        if (precision is not (ScalarType.Float32 or ScalarType.BFloat16) || (backward && precision != ScalarType.Float32))
        {
            throw new ArgumentException($"The self-check compares float32 forward and backward, or bfloat16 forward; not {precision}{(backward ? " backward" : "")}.", nameof(precision));
        }
        convolution ??= LibTorch;
        var settings = PrecisionSettings.For(precision);
        WarmUp();
        var clock = Stopwatch.StartNew();
        using var inferenceOff = torch.inference_mode(false);
        using var grad = torch.enable_grad();
        using var generator = new Generator(20_260_101);
        string worst = "";
        double worstError = 0;
        int count = 0;
        foreach (var shape in shapes)
        {
            using var scope = torch.NewDisposeScope();
            var (name, error) = Compare(Reduced(shape), convolution, backward, precision, settings.Side, generator);
            if (error > worstError || count == 0)
            {
                (worst, worstError) = ($"{shape} {name}", error);
            }
            count++;
        }
        return new ConvolutionCheckResult(worstError <= settings.Tolerance, count, worst, worstError, clock.Elapsed);
    }

    /// <summary>
    /// libtorch's first convolution starts its thread pool and oneDNN; any first model call pays
    /// that, so it is not counted as the check's cost.
    /// </summary>
    private static void WarmUp()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        nn.functional.conv2d(torch.zeros(1, 8, 8, 8), torch.zeros(8, 8, 3, 3));
    }

    private static ConvolutionShape Reduced(ConvolutionShape shape)
    {
        static int Cap(int channels) => channels <= MaxChannelsPerGroup ? channels : MaxChannelsPerGroup - 16 + channels % 16;
        int inputs = Cap(shape.InChannels / shape.Groups), outputs = Cap(shape.OutChannels / shape.Groups);
        return shape with { InChannels = inputs * shape.Groups, OutChannels = outputs * shape.Groups };
    }

    /// <returns>The worst of the compared results (forward, input gradient, weight gradient) and its relative error.</returns>
    private static (string Name, double Error) Compare(ConvolutionShape shape, Convolution convolution, bool backward, ScalarType precision,
        int outputSide, Generator generator)
    {
        int side = outputSide + shape.Dilation * (shape.Kernel - 1);
        int fanIn = shape.InChannels / shape.Groups * shape.Kernel * shape.Kernel;
        var input = torch.rand([1, shape.InChannels, side, side], generator: generator);
        // A scoped scalar: an implicit one may be freed by the finalizer mid-call (see TorchScalars).
        using var fanInRoot = Math.Sqrt(fanIn).ToScalar();
        var weight = torch.randn([shape.OutChannels, shape.InChannels / shape.Groups, shape.Kernel, shape.Kernel], generator: generator)
            .div_(fanInRoot);
        var bias = torch.rand([shape.OutChannels], generator: generator);
        if (precision != ScalarType.Float32)
        {
            // The reference computes on the rounded values, so only the kernel's own error is measured.
            (input, weight, bias) = (input.to(precision), weight.to(precision), bias.to(precision));
        }
        var fastInput = MemoryLayout.ChannelsLast(input).requires_grad_(backward);
        var fastWeight = MemoryLayout.ChannelsLast(weight).requires_grad_(backward);
        var fast = convolution(fastInput, fastWeight, bias, shape.Groups, shape.Dilation);

        if (precision == ScalarType.BFloat16)
        {
            return ("forward", RelativeError(fast, Bf16Reference(input, weight, bias, shape.Groups, shape.Dilation)));
        }
        var exactInput = input.to(ScalarType.Float64).requires_grad_(backward);
        var exactWeight = weight.to(ScalarType.Float64).requires_grad_(backward);
        var exact = nn.functional.conv2d(exactInput, exactWeight, bias.to(ScalarType.Float64), dilation: [shape.Dilation, shape.Dilation], groups: shape.Groups);

        var results = new List<(string, double)> { ("forward", RelativeError(fast, exact)) };
        if (backward)
        {
            var outputGradient = torch.rand([1, shape.OutChannels, outputSide, outputSide], generator: generator);
            fast.backward([outputGradient]);
            exact.backward([outputGradient.to(ScalarType.Float64)]);
            results.Add(("input gradient", RelativeError(fastInput.grad!, exactInput.grad!)));
            results.Add(("weight gradient", RelativeError(fastWeight.grad!, exactWeight.grad!)));
        }
        // NaN compares false, so a NaN error must win explicitly.
        return results.OrderByDescending(r => double.IsNaN(r.Item2) ? double.PositiveInfinity : r.Item2).First();
    }

    /// <summary>
    /// The bfloat16 check's reference: float32, channels-last, on the float32 kernels the process
    /// uses, which <see cref="ConvolutionGuard"/> compares with float64 for the same shapes (at
    /// <see cref="Side"/>). A wrong bfloat16 kernel passes only if the float32 kernel is wrong the
    /// same way at this size: two different kernels. float64 took most of a bf16 run's
    /// "network built" step (<c>seranet image --verbose</c> with <c>seranet-fast-nofusion-d8</c> on an
    /// AMD EPYC: 0.83 to 1.01 s, against 0.45 to 0.47 s since and 0.21 to 0.25 s in fp32), and
    /// libtorch's own float32 kernels, oneDNN switched off, cost as much; float32's own error (about
    /// 1e-6) is four orders below <see cref="Bf16Tolerance"/>.
    /// </summary>
    private static Tensor Bf16Reference(Tensor input, Tensor weight, Tensor bias, int groups, int dilation) =>
        nn.functional.conv2d(
            MemoryLayout.ChannelsLast(input.to(ScalarType.Float32)),
            MemoryLayout.ChannelsLast(weight.to(ScalarType.Float32)),
            bias.to(ScalarType.Float32),
            dilation: [dilation, dilation],
            groups: groups);

    /// <summary>The largest difference, relative to the largest reference value, in the reference's number format.</summary>
    private static double RelativeError(Tensor actual, Tensor reference)
    {
        using var noGrad = torch.no_grad();
        double scale = Math.Max(Largest(reference.detach()), 1e-12);
        double error = Largest(actual.detach().to(reference.dtype).sub(reference.detach()));
        return double.IsFinite(error) ? error / scale : double.PositiveInfinity;
    }

    private static double Largest(Tensor values) => values.abs().max().to(ScalarType.Float64).item<double>();
}
