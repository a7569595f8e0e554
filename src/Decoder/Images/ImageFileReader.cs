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
    /// <summary>
    /// The largest picture read unless the caller allows more: 100 megapixels, about 300 MB as 8-bit
    /// RGB and 1.2 GB once upscaled 2x. A small file can declare a huge picture (a 31 KB PNG of
    /// 16000x16000 took over 9 GB before it was stopped), so the size is checked before decoding.
    /// </summary>
    public const long DefaultMaxPixels = 100_000_000;

    public static Task<Frame> ReadAsync(string path, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default) =>
        ReadAsync(path, ffmpeg, DefaultMaxPixels, cancellationToken);

    /// <exception cref="ImageTooLargeException">The picture has more than <paramref name="maxPixels"/> pixels.</exception>
    /// <exception cref="InvalidDataException">The file is damaged or cut short.</exception>
    public static async Task<Frame> ReadAsync(string path, FfmpegLocation ffmpeg, long maxPixels, CancellationToken cancellationToken = default)
    {
        if (File.Exists(path) && ImageSignature.Detect(path) != ImageContainer.Other && SkiaImageReader.TryRead(path, maxPixels) is { } decoded)
        {
            return decoded;
        }
        return await ReadWithFfmpegAsync(path, ffmpeg, maxPixels, cancellationToken).ConfigureAwait(false);
    }

    public static Task<Frame> ReadWithFfmpegAsync(string path, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default) =>
        ReadWithFfmpegAsync(path, ffmpeg, DefaultMaxPixels, cancellationToken);

    public static async Task<Frame> ReadWithFfmpegAsync(string path, FfmpegLocation ffmpeg, long maxPixels, CancellationToken cancellationToken = default)
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
        ImageTooLargeException.ThrowIfAbove(path, picture.Width, picture.Height, maxPixels);
        var format = PixelFormatInfo.ForBitDepth(picture.BitDepth);
        var frame = Frame.Rent(picture.Width, picture.Height, format);
        try
        {
            string[] arguments =
            [
                "-nostdin", "-v", "error", "-i", FfmpegPaths.File(path),
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
            // ffmpeg fills what it could not decode and still exits 0; at -v error it says so only on stderr.
            if (process.StderrTail.Trim() is { Length: > 0 } complaint)
            {
                throw new InvalidDataException($"{path} is damaged or cut short: only part of the picture could be decoded.\n{complaint}");
            }
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }
}
