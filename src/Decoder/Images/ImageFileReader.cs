using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Decoder.Video;

namespace SeRanet.Video.Decoder.Images;

/// <summary>
/// Reads a still image (anything ffmpeg reads: PNG, JPEG, WebP, TIFF, BMP...) into a frame.
/// Images deeper than 8 bits come back as 16-bit RGB so no precision is lost. 8-bit PNG, JPEG and
/// WebP decode in process (<see cref="SkiaImageReader"/>); the rest, and any file Skia cannot
/// decode completely, go through ffprobe and ffmpeg, which also word the errors.
/// </summary>
public static class ImageFileReader
{
    public static async Task<Frame> ReadAsync(string path, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default)
    {
        if (File.Exists(path) && ImageSignature.Detect(path) != ImageContainer.Other && SkiaImageReader.TryRead(path) is { } decoded)
        {
            return decoded;
        }
        return await ReadWithFfmpegAsync(path, ffmpeg, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<Frame> ReadWithFfmpegAsync(string path, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default)
    {
        VideoInfo picture;
        try
        {
            picture = await VideoProbe.ReadStreamsAsync(path, ffmpeg, cancellationToken).ConfigureAwait(false);
        }
        catch (FfmpegException ex) when (ex is not FfmpegNotFoundException)
        {
            throw new FfmpegException($"{path} is not a readable image.\n{ex.Message}", ex);
        }
        var format = PixelFormatInfo.ForBitDepth(picture.BitDepth);
        var frame = Frame.Rent(picture.Width, picture.Height, format);
        try
        {
            string[] arguments =
            [
                "-nostdin", "-v", "error", "-i", path,
                "-map", "0:v:0", "-frames:v", "1",
                "-f", "rawvideo", "-pix_fmt", format.FfmpegName(), "-",
            ];
            await using var process = FfmpegProcess.Start(ffmpeg.Ffmpeg, arguments, redirectInput: false);
            if (!await process.ReadExactlyOrEndAsync(frame.Memory, cancellationToken).ConfigureAwait(false))
            {
                await process.WaitForSuccessAsync($"Decoding {path}", cancellationToken).ConfigureAwait(false);
                throw new FfmpegException($"ffmpeg decoded no picture from {path}.");
            }
            await process.WaitForSuccessAsync($"Decoding {path}", cancellationToken).ConfigureAwait(false);
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }
}
