using SeRanet.Video.Core.Ffmpeg;

namespace SeRanet.Video.Training.Degradation;

/// <summary>
/// Passes an 8-bit RGB picture through a real lossy codec (JPEG or H.264, by ffmpeg) and back,
/// so the network learns to clean the artefacts that real video carries.
/// </summary>
public static class CompressionRoundTrip
{
    /// <param name="interleaved">3 x width x height bytes, RGB interleaved.</param>
    /// <param name="codec">Jpeg or H264.</param>
    /// <param name="quality">JPEG: ffmpeg -q:v (2 best .. 31 worst). H.264: CRF (0 .. 51).</param>
    public static async Task<byte[]> RunAsync(byte[] interleaved, int width, int height, Degradations codec, int quality, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        string extension = codec == Degradations.Jpeg ? ".jpg" : ".mp4";
        string temporary = Path.Combine(Path.GetTempPath(), $"seranet-degrade-{Guid.NewGuid():N}{extension}");
        try
        {
            string[] codecArguments = codec switch
            {
                Degradations.Jpeg => ["-c:v", "mjpeg", "-q:v", $"{quality}", "-pix_fmt", "yuvj420p"],
                Degradations.H264 => ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast", "-crf", $"{quality}", "-pix_fmt", "yuv420p"],
                _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "Only JPEG and H.264 are compression degradations."),
            };
            string[] encode =
            [
                "-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-i", "-",
                "-frames:v", "1", .. codecArguments, "-y", temporary,
            ];
            await using (var encoder = FfmpegProcess.Start(ffmpeg.Ffmpeg, encode, redirectInput: true))
            {
                await encoder.StandardInput.WriteAsync(interleaved, cancellationToken).ConfigureAwait(false);
                encoder.StandardInput.Close();
                await encoder.WaitForSuccessAsync("Compressing a training image", cancellationToken).ConfigureAwait(false);
            }

            // Crop in RGB: a 4:2:0 crop rounds an odd width down to even.
            string[] decode =
            [
                "-nostdin", "-v", "error", "-i", temporary, "-frames:v", "1",
                "-vf", $"format=rgb24,crop={width}:{height}:0:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
            ];
            await using var decoder = FfmpegProcess.Start(ffmpeg.Ffmpeg, decode, redirectInput: false);
            byte[] result = new byte[interleaved.Length];
            if (!await decoder.ReadExactlyOrEndAsync(result, cancellationToken).ConfigureAwait(false))
            {
                throw new FfmpegException("ffmpeg returned no picture from a compressed training image.");
            }
            await decoder.WaitForSuccessAsync("Decoding a compressed training image", cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
