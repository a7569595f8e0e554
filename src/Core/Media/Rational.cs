using System.Globalization;

namespace SeRanet.Video.Core.Media;

/// <summary>An exact ratio as ffmpeg writes it ("30000/1001", "1:1"): frame rates, time bases, aspect ratios.</summary>
public readonly record struct Rational(long Numerator, long Denominator)
{
    public bool IsValid => Numerator > 0 && Denominator > 0;

    public double Value => (double)Numerator / Denominator;

    /// <summary>1 / value, or 0 for an invalid ratio (so a missing frame rate adds no time).</summary>
    public double Reciprocal => IsValid ? (double)Denominator / Numerator : 0;

    public double ToSeconds(long ticks) => (double)ticks * Numerator / Denominator;

    /// <summary>Parses "a/b" or "a:b"; invalid or missing text gives 0/1.</summary>
    public static Rational Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Rational(0, 1);
        }
        string[] parts = text.Split('/', ':');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long numerator)
            && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long denominator)
            && denominator != 0)
        {
            return new Rational(numerator, denominator);
        }
        return new Rational(0, 1);
    }

    /// <summary>"num/den", as ffmpeg options take it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");
}
