namespace SeRanet.Video.Upscaler.Architectures;

/// <summary>Named network shapes. Each is a split/fusion/splice network; they differ in widths and depths.</summary>
public static class Presets
{
    /// <summary>The seed's network (SeRanet, 2016), layer for layer: about 3.3 M parameters for RGB.</summary>
    public const string SeRanetV1 = "seranet-v1";

    /// <summary>
    /// The CPU preset: the same topology, narrow, 3x3 kernels, predicting a residual over bicubic.
    /// About 37 k multiply-adds per input pixel in Y mode (where it spends all of them on luma).
    /// </summary>
    public const string SeRanetFast = "seranet-fast";

    /// <summary>
    /// <see cref="SeRanetFast"/> with three narrower layers on each feature path instead of two: one
    /// more pixel of context per side for the same cost (about 37 k multiply-adds per input pixel in Y mode).
    /// </summary>
    public const string SeRanetFastDeep = "seranet-fast-deep";

    /// <summary>
    /// <see cref="SeRanetFastDeep"/> with a fourth layer on each feature path: one more pixel of context per
    /// side for about a third more path work (about 47 k multiply-adds per input pixel in Y mode), chosen by
    /// timing the candidates with <c>seranet bench --preset</c> against the 5x-waifu2x speed floor.
    /// </summary>
    public const string SeRanetFastD4 = "seranet-fast-d4";

    /// <summary>
    /// <see cref="SeRanetFastDeep"/> with five path layers: two more pixels of context per side for about
    /// 1.5 times the multiply-adds (57.6 k per input pixel in Y mode, 59.0 k in RGB). Trained grown from
    /// the RGB default (<c>seranet train --init</c>), for the quality goal.
    /// </summary>
    public const string SeRanetFastD5 = "seranet-fast-d5";

    /// <summary>
    /// Four path layers of 32 channels: one more pixel of context per side and a third more width than
    /// <see cref="SeRanetFastDeep"/>, for about twice its multiply-adds (75.3 k per input pixel in RGB).
    /// Trained grown from the RGB default, for the quality goal.
    /// </summary>
    public const string SeRanetFastWide = "seranet-fast-wide";

    /// <summary>
    /// <see cref="SeRanetFastDeep"/> without the fusion: one Leaky ReLU path, widened to 35, 35 and 36 so
    /// the network costs the same multiply-adds (36,792 against 36,816 per input pixel in Y mode). It
    /// exists for the fusion ablation (README, "Ablations: CRBM pre-training and fusion").
    /// </summary>
    public const string SeRanetFastDeepNoFusion = "seranet-fast-deep-nofusion";

    /// <summary>
    /// One Leaky ReLU path of five 40-channel layers and no sigmoid path: the cost of
    /// <see cref="SeRanetFastWide"/> (73.9 k multiply-adds per input pixel in RGB), all of it live. Training
    /// saturates the sigmoid path of every fusion model here (<c>seranet prune</c>), so this spends its
    /// share on the path that learns. Grown from the pruned <see cref="SeRanetFastWide"/>.
    /// </summary>
    public const string SeRanetFastNoFusionD5 = "seranet-fast-nofusion-d5";

    /// <summary>
    /// <see cref="SeRanetFastNoFusionD5"/> one layer deeper and at 48 channels: 121.2 k multiply-adds per
    /// input pixel in RGB. Five layers of 48 timed about as fast as five of 40 on these CPUs
    /// (<c>seranet bench --preset</c>), most likely because oneDNN's AVX-512 kernels work in blocks of
    /// 16 channels; the sixth layer adds a pixel of context per side. Grown from <see cref="SeRanetFastNoFusionD5"/>, for the quality goal.
    /// </summary>
    public const string SeRanetFastNoFusionD6 = "seranet-fast-nofusion-d6";

    /// <summary>
    /// <see cref="SeRanetFastNoFusionD6"/> two layers deeper and at 64 channels: 278 k multiply-adds per input
    /// pixel in RGB, 2.3 times d6. Too slow for the 5x-waifu2x floor in float32 on these CPUs, but in
    /// bfloat16 it timed about as fast as d6 does in float32 (<c>seranet bench --preset NAME --color rgb
    /// --size 320x180 --count 24 --batch 4 --precision bf16</c>, three rounds: 13.4 frames a second, 12.6 to
    /// 13.5, against d6's 13.2, 11.4 to 13.6, in float32; AMD EPYC). Grown from <see cref="SeRanetFastNoFusionD6"/>,
    /// for the quality goal.
    /// </summary>
    public const string SeRanetFastNoFusionD8 = "seranet-fast-nofusion-d8";

    /// <summary>
    /// <see cref="SeRanetFastNoFusionD6"/> twice as deep at the same 48 channels: 245.6 k multiply-adds per
    /// input pixel in RGB, 0.88 of <see cref="SeRanetFastNoFusionD8"/>, with 13 pixels of context per side
    /// where d8 has 9. Depth against width at about d8's speed: 0.92 to 1.0 times d8's speed in bfloat16 and
    /// 1.13 to 1.25 times in float32 (<c>seranet bench --preset NAME --color rgb --size 320x180 --count 16
    /// --batch 4 --precision bf16|fp32</c>, two alternating rounds: 11.9 against 12.0 to 13.0 frames a
    /// second in bf16, 7.4 to 7.5 against 6.0 to 6.5 in fp32; AMD EPYC), where fourteen layers of 48 ran at
    /// 0.87 to 0.96 times d8's speed in bf16 (11.4 to 11.5). Grown from <see cref="SeRanetFastNoFusionD6"/> for the quality goal, it
    /// trailed d8 at the same point of the same schedule and was stopped (README, "Depth against width at d8's speed").
    /// </summary>
    public const string SeRanetFastNoFusionD12 = "seranet-fast-nofusion-d12";

    /// <summary>
    /// <see cref="SeRanetFastNoFusionD8"/> with 16 outputs on each branch's last layer instead of 8: twice the
    /// features per sub-pixel position for the full-resolution output convolution, for 10.1 k more multiply-adds
    /// per input pixel (288.1 k in RGB, 1.04 times d8). In bfloat16 it timed as fast as d8 (<c>seranet bench --preset
    /// NAME --color rgb --size 320x180 --count 24 --batch 4 --precision bf16</c>, four alternating rounds: 12.0,
    /// 10.7, 11.7 and 13.4 frames a second against d8's 11.1, 10.4, 12.0 and 12.1; AMD EPYC), most likely
    /// because 8 outputs use oneDNN's bfloat16 kernels poorly (not measured). Grown from <see cref="SeRanetFastNoFusionD8"/> for the quality goal, it
    /// ended 0.009 dB above d8 on the public set and was not kept (README, "Wider reconstruction, and a hint of context").
    /// </summary>
    public const string SeRanetFastNoFusionD8B16 = "seranet-fast-nofusion-d8-b16";

    /// <summary>
    /// <see cref="SeRanetFastNoFusionD8"/> with a context path (<see cref="ContextPathOptions"/>'s defaults):
    /// seven 16-channel 3x3 convolutions dilated 1, 2, 4, 8, 4, 2, 1 from the input, joined after the
    /// second path layer. It reads 30 low-resolution pixels per side (its padding) where d8 reads 10, for 15.3 k more
    /// multiply-adds per input pixel (5.5% of d8; in training, on 32x32 patches, about 13%: the
    /// context path runs over the wider padding). It timed at 0.91 to 1.03 times d8's speed (<c>seranet bench
    /// --preset NAME --color rgb --size 320x180 --count 24 --batch 4 --precision bf16|fp32</c>, three alternating
    /// rounds, AMD EPYC: 10.24, 11.21 and 11.31 frames a second against d8's 10.51, 11.38 and 12.37 in bf16; 5.42,
    /// 5.90 and 6.65 against 5.60, 5.72 and 6.86 in fp32). For the quality goal, since cunet, the model to beat, sees far. Grown from
    /// <see cref="SeRanetFastNoFusionD8"/>, it ended 0.008 dB below its control and was not kept (README, "Context, in every form").
    /// </summary>
    public const string SeRanetFastNoFusionD8Context = "seranet-fast-nofusion-d8-ctx";

    public static IReadOnlyList<string> Names { get; } = [SeRanetFast, SeRanetFastDeep, SeRanetFastD4, SeRanetFastD5, SeRanetFastWide, SeRanetFastDeepNoFusion, SeRanetFastNoFusionD5, SeRanetFastNoFusionD6, SeRanetFastNoFusionD8, SeRanetFastNoFusionD12, SeRanetFastNoFusionD8B16, SeRanetFastNoFusionD8Context, SeRanetV1];

    public static SplitSpliceOptions Get(string name, int channels = 3) => name switch
    {
        SeRanetV1 => new SplitSpliceOptions
        {
            Channels = channels,
            PathWidths = [64, 64, 128],
            PathKernel = 5,
            Fusion = true,
            BranchWidths = [512, 256, 128],
            BranchKernels = [1, 1, 3],
            TailWidths = [128, 128, 128],
            TailKernel = 3,
            Residual = false,
        },
        SeRanetFast => new SplitSpliceOptions
        {
            Channels = channels,
            PathWidths = [32, 32],
            PathKernel = 3,
            Fusion = true,
            BranchWidths = [32, 8],
            BranchKernels = [1, 3],
            TailWidths = [],
            TailKernel = 3,
            Residual = true,
        },
        SeRanetFastDeep => Get(SeRanetFast, channels) with { PathWidths = [24, 24, 24] },
        SeRanetFastD4 => Get(SeRanetFast, channels) with { PathWidths = [24, 24, 24, 24] },
        SeRanetFastD5 => Get(SeRanetFast, channels) with { PathWidths = [24, 24, 24, 24, 24] },
        SeRanetFastWide => Get(SeRanetFast, channels) with { PathWidths = [32, 32, 32, 32] },
        SeRanetFastDeepNoFusion => Get(SeRanetFast, channels) with { PathWidths = [35, 35, 36], Fusion = false },
        SeRanetFastNoFusionD5 => Get(SeRanetFast, channels) with { PathWidths = [40, 40, 40, 40, 40], Fusion = false },
        SeRanetFastNoFusionD6 => Get(SeRanetFast, channels) with { PathWidths = [48, 48, 48, 48, 48, 48], Fusion = false },
        SeRanetFastNoFusionD8 => Get(SeRanetFast, channels) with { PathWidths = [64, 64, 64, 64, 64, 64, 64, 64], Fusion = false },
        SeRanetFastNoFusionD12 => Get(SeRanetFast, channels) with { PathWidths = [.. Enumerable.Repeat(48, 12)], Fusion = false },
        SeRanetFastNoFusionD8B16 => Get(SeRanetFastNoFusionD8, channels) with { BranchWidths = [32, 16] },
        SeRanetFastNoFusionD8Context => Get(SeRanetFastNoFusionD8, channels) with { Context = new ContextPathOptions() },
        _ => throw new ArgumentException($"Unknown preset '{name}'. Known: {string.Join(", ", Names)}."),
    };
}
