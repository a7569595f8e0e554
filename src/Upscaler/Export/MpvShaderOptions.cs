namespace SeRanet.Video.Upscaler.Export;

/// <summary>How <see cref="MpvShaderExporter"/> writes a model.</summary>
public sealed record MpvShaderOptions
{
    /// <summary>
    /// Whether the luma plane the shader hooks holds video levels (16-235 at 8 bits, almost every
    /// video) rather than full range (0-255, JPEG-style sources). The networks were trained on
    /// full-range luma, so the shader stretches video levels before the network and back after it.
    /// A user shader cannot ask the renderer which range a file uses, so this is fixed at export.
    /// </summary>
    public bool LimitedRange { get; init; } = true;

    /// <summary>
    /// The shader runs only when the output is at least this many times the video's size in both
    /// directions (mpv's <c>//!WHEN</c>), so a player does not spend the GPU on a 2x upscale it
    /// would then shrink away.
    /// </summary>
    public double MinimumOutputScale { get; init; } = 1.2;

    public void Validate()
    {
        if (!double.IsFinite(MinimumOutputScale) || MinimumOutputScale is < 0 or > 2)
        {
            throw new ArgumentException($"The minimum output scale must be between 0 and 2, not {MinimumOutputScale}.");
        }
    }
}
