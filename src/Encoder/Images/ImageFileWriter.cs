using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Core.Imaging;

namespace SeRanet.Video.Encoder.Images;

/// <summary>
/// Writes a frame as an image whose format follows the file extension. The file appears under
/// its final name only when complete: a temporary sibling is written, then renamed. 8-bit PNG and
/// JPEG are encoded in process (<see cref="SkiaImageWriter"/>); everything else by ffmpeg.
/// </summary>
public static class ImageFileWriter
{
    /// <param name="ffmpeg">Used for the formats that are not encoded in process.</param>
    public static async Task WriteAsync(Frame frame, string path, bool overwrite, FfmpegLocation ffmpeg, CancellationToken cancellationToken = default)
    {
        string fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath) && !overwrite)
        {
            throw new Core.Files.OutputExistsException(path);
        }
        string extension = Path.GetExtension(fullPath).ToLowerInvariant();
        Core.Files.PartialFile.RemoveAbandoned(fullPath);
        string temporary = Core.Files.PartialFile.Beside(fullPath);
        try
        {
            if (SkiaImageWriter.Supports(frame, extension))
            {
                await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false))
                {
                    SkiaImageWriter.Write(frame, extension, file);
                }
                File.Move(temporary, fullPath, overwrite);
                return;
            }
            await using (var process = FfmpegProcess.Start(ffmpeg.Ffmpeg, Arguments(frame, extension, temporary), redirectInput: true))
            {
                try
                {
                    await process.StandardInput.WriteAsync(frame.Memory, cancellationToken).ConfigureAwait(false);
                    await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // ffmpeg closed its input early; its own message follows from WaitForSuccessAsync.
                }
                process.StandardInput.Close();
                await process.WaitForSuccessAsync($"Writing {path}", cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, fullPath, overwrite);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The ffmpeg command line that encodes one raw frame from stdin into <paramref name="output"/>.</summary>
    public static IReadOnlyList<string> Arguments(Frame frame, string extension, string output)
    {
        var arguments = new List<string>
        {
            "-nostdin", "-v", "error",
            "-f", "rawvideo", "-pix_fmt", frame.Format.FfmpegName(), "-s", $"{frame.Width}x{frame.Height}",
            "-i", "-", "-frames:v", "1",
        };
        arguments.AddRange(extension switch
        {
            ".png" => ["-c:v", "png", "-pix_fmt", frame.Format == PixelFormat.Rgb48 ? "rgb48be" : "rgb24"],
            ".jpg" or ".jpeg" => ["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj444p"],
            ".webp" => ["-c:v", "libwebp", "-lossless", "1"],
            ".tif" or ".tiff" => ["-c:v", "tiff", "-pix_fmt", frame.Format == PixelFormat.Rgb48 ? "rgb48le" : "rgb24"],
            ".bmp" => ["-c:v", "bmp"],
            _ => throw new ArgumentException($"Cannot write {extension} images; use .png, .jpg, .webp, .tif or .bmp.", nameof(extension)),
        });
        arguments.AddRange(["-f", "image2", "-update", "1", "-y", output]);
        return arguments;
    }
}
