using SeRanet.Video.Core.Ffmpeg;
using SeRanet.Video.Encoder.Video;

namespace SeRanet.Video.Plugin.Preview;

/// <summary>
/// One preview report: a self-contained HTML page comparing bicubic and SeRanet on frames sampled
/// across a video, with an estimate of what upscaling the whole video would cost on this machine.
/// </summary>
public sealed record PreviewReportRequest
{
    public required string Input { get; init; }

    /// <summary>The HTML file to write.</summary>
    public required string Output { get; init; }

    public required ModelChoice Model { get; init; }

    /// <summary>How many frames to sample, evenly across the video (fewer if the video is shorter).</summary>
    public int Samples { get; init; } = DefaultSamples;

    public const int DefaultSamples = 6;

    /// <summary>The most frames a report samples: each is embedded twice in the page, at full size.</summary>
    public const int MaxSamples = 50;

    /// <summary>The settings a whole run would encode with; the size estimate encodes the samples with them.</summary>
    public EncoderOptions Encoder { get; init; } = new();

    public bool Overwrite { get; init; }

    public FfmpegLocation Ffmpeg { get; init; } = FfmpegLocation.OnPath;
}

/// <summary>One sampled frame as the report shows it.</summary>
/// <param name="ModelSeconds">How long the model took on this frame.</param>
public sealed record ReportSample(long Frame, double Seconds, double ModelSeconds);

/// <summary>What a finished report shows, and where it was written.</summary>
public sealed record PreviewReportResult(string Path, string Model, string Device, IReadOnlyList<ReportSample> Samples, RunEstimate Estimate);
