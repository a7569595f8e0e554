using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeRanet.Video.Upscaler.Inference;

/// <summary>What <see cref="CpuPeak.MeasureFp32"/> found.</summary>
/// <param name="MultiplyAddsPerSecond">float32 multiply-adds per second over all threads.</param>
/// <param name="VectorBits">Width of the vectors the loop used: 512, 256 or 128.</param>
/// <param name="Threads">Threads run at once, one per logical core.</param>
public sealed record CpuPeakResult(double MultiplyAddsPerSecond, int VectorBits, int Threads);

/// <summary>
/// The CPU's float32 multiply-add peak as this process can reach it: every core runs independent
/// fused multiply-add chains on the widest vectors the runtime accelerates, with enough chains to
/// cover the instruction's latency on both FMA ports. A model's multiply-adds per second divided by
/// this is its fraction of peak; both are measured on the machine as loaded at the time, so the
/// ratio means more than either figure alone on a shared machine.
/// </summary>
public static class CpuPeak
{
    // 4-cycle latency x 2 ports needs 8 chains in flight; 12 leaves room for the loop's own work.
    private const int Chains = 12;

    /// <summary>Runs the loop on every core for about <paramref name="duration"/>, a few times, and keeps the best.</summary>
    public static CpuPeakResult MeasureFp32(TimeSpan duration, int repeats = 3)
    {
        int threads = Environment.ProcessorCount;
        int bits = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 512 : Fma.IsSupported ? 256 : 128;
        // Calibrate the iteration count on one thread so each timed run lasts about the duration.
        long iterations = 1 << 16;
        while (true)
        {
            var clock = Stopwatch.StartNew();
            Sink = Chain(bits, iterations);
            if (clock.Elapsed.TotalSeconds * 8 > duration.TotalSeconds || iterations > 1L << 40)
            {
                iterations = (long)(iterations * duration.TotalSeconds / Math.Max(clock.Elapsed.TotalSeconds, 1e-6));
                break;
            }
            iterations *= 4;
        }
        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            best = Math.Max(best, OneRun(bits, threads, iterations));
        }
        return new CpuPeakResult(best, bits, threads);
    }

    private static double OneRun(int bits, int threads, long iterations)
    {
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.Wait();
            Sink = Chain(bits, iterations);
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        var clock = Stopwatch.StartNew();
        start.Set();
        workers.ForEach(w => w.Join());
        double seconds = clock.Elapsed.TotalSeconds;
        return (double)threads * iterations * Chains * (bits / 32) / seconds;
    }

    // Where each loop's result goes, so the JIT cannot drop the loop as unused.
    private static volatile float Sink;

    private static float Chain(int bits, long iterations) => bits switch
    {
        512 => Chain512(iterations),
        256 => Chain256(iterations),
        _ => Chain128(iterations),
    };

    // Optimised from the first call: the calibration must not time tier-0 code.
    // Each accumulator decays towards 1 (x * 0.999999 + 0.000001), so nothing overflows however long it runs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chain512(long iterations)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(0.000001f);
        var (x0, x1, x2, x3, x4, x5) = (Vector512.Create(1f), Vector512.Create(2f), Vector512.Create(3f), Vector512.Create(4f), Vector512.Create(5f), Vector512.Create(6f));
        var (x6, x7, x8, x9, x10, x11) = (Vector512.Create(7f), Vector512.Create(8f), Vector512.Create(9f), Vector512.Create(10f), Vector512.Create(11f), Vector512.Create(12f));
        for (long n = 0; n < iterations; n++)
        {
            x0 = Avx512F.FusedMultiplyAdd(x0, a, b); x1 = Avx512F.FusedMultiplyAdd(x1, a, b);
            x2 = Avx512F.FusedMultiplyAdd(x2, a, b); x3 = Avx512F.FusedMultiplyAdd(x3, a, b);
            x4 = Avx512F.FusedMultiplyAdd(x4, a, b); x5 = Avx512F.FusedMultiplyAdd(x5, a, b);
            x6 = Avx512F.FusedMultiplyAdd(x6, a, b); x7 = Avx512F.FusedMultiplyAdd(x7, a, b);
            x8 = Avx512F.FusedMultiplyAdd(x8, a, b); x9 = Avx512F.FusedMultiplyAdd(x9, a, b);
            x10 = Avx512F.FusedMultiplyAdd(x10, a, b); x11 = Avx512F.FusedMultiplyAdd(x11, a, b);
        }
        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chain256(long iterations)
    {
        var a = Vector256.Create(0.999999f);
        var b = Vector256.Create(0.000001f);
        var (x0, x1, x2, x3, x4, x5) = (Vector256.Create(1f), Vector256.Create(2f), Vector256.Create(3f), Vector256.Create(4f), Vector256.Create(5f), Vector256.Create(6f));
        var (x6, x7, x8, x9, x10, x11) = (Vector256.Create(7f), Vector256.Create(8f), Vector256.Create(9f), Vector256.Create(10f), Vector256.Create(11f), Vector256.Create(12f));
        for (long n = 0; n < iterations; n++)
        {
            x0 = Fma.MultiplyAdd(x0, a, b); x1 = Fma.MultiplyAdd(x1, a, b);
            x2 = Fma.MultiplyAdd(x2, a, b); x3 = Fma.MultiplyAdd(x3, a, b);
            x4 = Fma.MultiplyAdd(x4, a, b); x5 = Fma.MultiplyAdd(x5, a, b);
            x6 = Fma.MultiplyAdd(x6, a, b); x7 = Fma.MultiplyAdd(x7, a, b);
            x8 = Fma.MultiplyAdd(x8, a, b); x9 = Fma.MultiplyAdd(x9, a, b);
            x10 = Fma.MultiplyAdd(x10, a, b); x11 = Fma.MultiplyAdd(x11, a, b);
        }
        return Vector256.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    // Without FMA (or off x86) a multiply and an add per lane, counted as one multiply-add.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Chain128(long iterations)
    {
        var a = Vector128.Create(0.999999f);
        var b = Vector128.Create(0.000001f);
        var (x0, x1, x2, x3, x4, x5) = (Vector128.Create(1f), Vector128.Create(2f), Vector128.Create(3f), Vector128.Create(4f), Vector128.Create(5f), Vector128.Create(6f));
        var (x6, x7, x8, x9, x10, x11) = (Vector128.Create(7f), Vector128.Create(8f), Vector128.Create(9f), Vector128.Create(10f), Vector128.Create(11f), Vector128.Create(12f));
        for (long n = 0; n < iterations; n++)
        {
            x0 = x0 * a + b; x1 = x1 * a + b; x2 = x2 * a + b; x3 = x3 * a + b;
            x4 = x4 * a + b; x5 = x5 * a + b; x6 = x6 * a + b; x7 = x7 * a + b;
            x8 = x8 * a + b; x9 = x9 * a + b; x10 = x10 * a + b; x11 = x11 * a + b;
        }
        return Vector128.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }
}
