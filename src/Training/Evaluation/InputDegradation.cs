using System.Globalization;
using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Upscaler.Imaging;
using SeRanet.Video.Training.Degradation;

namespace SeRanet.Video.Training.Evaluation;

/// <summary>
/// A lossy codec applied to the low-resolution input before it is upscaled, for the
/// compressed-input protocol: what a user's video or web image really is. H.264 is one intra
/// frame by libx264 at a CRF (4:2:0, as in real video); JPEG is ffmpeg's mjpeg at a qscale
/// (2 best .. 31 worst, 4:2:0). Both run through real ffmpeg.
/// </summary>
public sealed record InputDegradation(Degradations Codec, int Quality)
{
    /// <summary>How a degradation is written, for messages.</summary>
    public const string Syntax = "h264:CRF (CRF 0-51) or jpeg:Q (ffmpeg qscale 2-31)";

    /// <summary>Parses <c>h264:CRF</c> (0..51) or <c>jpeg:Q</c> (ffmpeg qscale 2..31).</summary>
    /// <exception cref="FormatException">The text is neither.</exception>
    public static InputDegradation Parse(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int quality))
        {
            switch (parts[0].ToLowerInvariant())
            {
                case "h264" when quality <= 51:
                    return new InputDegradation(Degradations.H264, quality);
                case "jpeg" when quality is >= 2 and <= 31:
                    return new InputDegradation(Degradations.Jpeg, quality);
            }
        }
        throw new FormatException($"An input degradation is {Syntax}, not '{text}'.");
    }

    public override string ToString() => Codec == Degradations.H264 ? $"h264:{Quality}" : $"jpeg:{Quality}";

    /// <summary>What the protocol line says about this step.</summary>
    public string Describe() => Codec == Degradations.H264
        ? $"H.264 intra frame (libx264 CRF {Quality}, yuv420p)"
        : $"JPEG (ffmpeg mjpeg qscale {Quality}, 4:2:0)";

    /// <summary>The image after an encode and decode round trip, as 8-bit values.</summary>
    public async Task<ImagePlanes> ApplyAsync(ImagePlanes low, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        byte[] interleaved;
        using (var frame = low.ToFrame(PixelFormat.Rgb24))
        {
            interleaved = frame.Data.ToArray();
        }
        byte[] decoded = await CompressionRoundTrip.RunAsync(interleaved, low.Width, low.Height, Codec, Quality, ffmpeg, cancellationToken).ConfigureAwait(false);
        using var result = Frame.Wrap(low.Width, low.Height, PixelFormat.Rgb24, decoded);
        return ImagePlanes.FromFrame(result);
    }
}
