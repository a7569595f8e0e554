using SeRanet.Video.Training.Metrics;

namespace SeRanet.Video.Training.Evaluation;

/// <summary>One method's scores on one image.</summary>
public sealed record ImageScore(string Image, string Method, double YPsnr, double RgbPsnr, double Ssim);

/// <summary>A method's mean scores over the whole set.</summary>
public sealed record MethodSummary(string Method, double YPsnr, double RgbPsnr, double Ssim);

/// <summary>Everything <c>seranet eval</c> measured.</summary>
public sealed record EvaluationResult(
    string Protocol,
    IReadOnlyList<string> Images,
    IReadOnlyList<ImageScore> Scores,
    IReadOnlyList<MethodSummary> Means);
