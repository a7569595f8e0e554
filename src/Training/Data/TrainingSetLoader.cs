using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Decoder.Images;
using SeRanet.Video.Training.Degradation;
using SeRanet.Video.Training.Runs;
using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Training.Data;

/// <summary>Loads folders of photos into <see cref="TrainingImage"/>s, split into training and validation.</summary>
public static class TrainingSetLoader
{
    /// <summary>
    /// Splits by a hash of the file name, so an image stays on its side of the split however
    /// the folder grows. At least one image goes to each side.
    /// </summary>
    public static (IReadOnlyList<string> Train, IReadOnlyList<string> Validation) Split(IReadOnlyList<string> files, double validationFraction)
    {
        if (files.Count < 2)
        {
            throw new InvalidDataException($"Training needs at least two images (one for validation); found {files.Count}.");
        }
        var validation = files.Where(f => StableHash(Path.GetFileName(f)) % 1000 < validationFraction * 1000).ToList();
        if (validation.Count == 0)
        {
            validation.Add(files[^1]);
        }
        if (validation.Count == files.Count)
        {
            validation.RemoveAt(0);
        }
        var train = files.Except(validation).ToList();
        return (train, validation);
    }

    /// <param name="ffmpeg">Reads the images Skia cannot, and makes the compressed variants.</param>
    /// <param name="extraScales">Also add each photo shrunk by these factors (see <see cref="TrainerOptions.ExtraScales"/>).</param>
    /// <param name="fullSize">Whether each photo at its own size is in the set too (see <see cref="TrainerOptions.FullSize"/>).</param>
    /// <param name="compressedVariants">Compressed copies per codec in <paramref name="degradations"/> (see <see cref="TrainerOptions.CompressedVariants"/>).</param>
    public static async Task<IReadOnlyList<TrainingImage>> LoadAsync(
        IReadOnlyList<string> files, int minimumLowResolutionSide, Degradations degradations, int seed, FfmpegLocation ffmpeg,
        IProgress<string>? progress, CancellationToken cancellationToken, IReadOnlyList<double>? extraScales = null, bool fullSize = true, int compressedVariants = 1)
    {
        var images = new IReadOnlyList<TrainingImage>[files.Count];
        int done = 0;
        await Parallel.ForAsync(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                images[i] = await LoadOneAsync(files[i], minimumLowResolutionSide, degradations, compressedVariants, extraScales ?? [], fullSize, seed + i, ffmpeg, ct).ConfigureAwait(false);
                int loaded = Interlocked.Increment(ref done);
                if (loaded == files.Count || loaded % 25 == 0)
                {
                    progress?.Report($"loaded {loaded}/{files.Count} images");
                }
            }).ConfigureAwait(false);
        return images.SelectMany(list => list).ToList();
    }

    private static async Task<IReadOnlyList<TrainingImage>> LoadOneAsync(
        string path, int minimumLowResolutionSide, Degradations degradations, int compressedVariants, IReadOnlyList<double> extraScales, bool fullSize, int seed, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        using var frame = await ImageFileReader.ReadAsync(path, ffmpeg, cancellationToken).ConfigureAwait(false);
        var original = TrainingPair.High(frame);
        var loaded = new List<TrainingImage>();
        var random = new Random(seed);
        foreach (double scale in fullSize ? extraScales.Prepend(1.0) : extraScales)
        {
            int width = (int)(original.Width * scale) & ~1;
            int height = (int)(original.Height * scale) & ~1;
            if (width / 2 < minimumLowResolutionSide || height / 2 < minimumLowResolutionSide)
            {
                continue;
            }
            var high = scale == 1.0 ? original : Resampler.Resize(original, width, height, ResizeKernel.Bicubic).Quantized8();
            string name = scale == 1.0 ? Path.GetFileName(path) : $"{Path.GetFileName(path)}@{scale:0.###}";
            loaded.Add(await PairAsync(name, high, degradations, compressedVariants, random, ffmpeg, cancellationToken).ConfigureAwait(false));
        }
        return loaded;
    }

    private static async Task<TrainingImage> PairAsync(string name, ImagePlanes high, Degradations degradations, int compressedVariants, Random random, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        var low = TrainingPair.Low(high);
        var variants = new List<byte[]> { ToPlanarBytes(low) };
        // Each copy draws its quality in turn, so a run with one copy per codec draws as runs did before this option.
        for (int copy = 0; copy < compressedVariants; copy++)
        {
            if (degradations.HasFlag(Degradations.Jpeg))
            {
                variants.Add(await CompressedAsync(low, Degradations.Jpeg, random.Next(4, 16), ffmpeg, cancellationToken).ConfigureAwait(false));
            }
            if (degradations.HasFlag(Degradations.H264))
            {
                variants.Add(await CompressedAsync(low, Degradations.H264, random.Next(20, 33), ffmpeg, cancellationToken).ConfigureAwait(false));
            }
        }
        return new TrainingImage(name, high.Width, high.Height, ToPlanarBytes(high), variants);
    }

    private static async Task<byte[]> CompressedAsync(ImagePlanes low, Degradations codec, int quality, FfmpegLocation ffmpeg, CancellationToken cancellationToken)
    {
        int plane = low.PlaneSize;
        byte[] interleaved = new byte[plane * 3];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                interleaved[i * 3 + c] = ToByte(low.Data[c * plane + i]);
            }
        }
        byte[] compressed = await CompressionRoundTrip.RunAsync(interleaved, low.Width, low.Height, codec, quality, ffmpeg, cancellationToken).ConfigureAwait(false);
        byte[] planar = new byte[plane * 3];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                planar[c * plane + i] = compressed[i * 3 + c];
            }
        }
        return planar;
    }

    private static byte[] ToPlanarBytes(ImagePlanes image)
    {
        byte[] bytes = new byte[image.Data.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = ToByte(image.Data[i]);
        }
        return bytes;
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255f), 0f, 255f);

    private static uint StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char ch in text)
        {
            hash = (hash ^ ch) * 16777619;
        }
        return hash;
    }
}
