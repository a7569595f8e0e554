using System.Globalization;
using System.Text;
using SeRanet.Video.Core.Media;

namespace SeRanet.Video.Plugin.Video.Segments;

/// <summary>
/// The ffconcat list that joins chunks with every frame at its source time. ffmpeg's concat
/// demuxer moves each file's packets by (the file's place in the join − the file's own start),
/// both in microseconds, rounded into the stream's time base; a file's place is the sum of the
/// durations listed before it. Listing each duration so that every file is moved by the same
/// amount, and undoing that amount with one exact shift in ticks, gives back the chunks' own
/// times, which are the source's (NUT keeps the source's time base).
/// </summary>
public static class ChunkTimeline
{
    private const long MicrosecondsPerSecond = 1_000_000;

    /// <summary>The list text (chunk files relative to the list) and the shift in ticks of the chunks' time base to apply after the join.</summary>
    /// <exception cref="InvalidOperationException">The time base is finer than a microsecond, which the concat demuxer cannot place exactly, or the chunks differ in time base.</exception>
    public static (string List, long Correction) Build(IReadOnlyList<(string File, ChunkRecord Chunk)> chunks)
    {
        ArgumentOutOfRangeException.ThrowIfZero(chunks.Count);
        var first = chunks[0].Chunk;
        var timeBase = Rational.Parse(first.TimeBase);
        if (chunks.Any(chunk => chunk.Chunk.TimeBase != first.TimeBase))
        {
            throw new InvalidOperationException("The chunks differ in time base; they cannot be joined without re-encoding.");
        }
        // The first file is placed at zero, so it moves by -start; NUT may have moved it by (StartPts - FirstTimestamp).
        long correction = ToTicks(first.StartMicroseconds, timeBase) - (first.StartPts - first.FirstTimestamp);
        var list = new StringBuilder("ffconcat version 1.0\n");
        long place = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i].Chunk;
            if (i > 0)
            {
                long wantedTicks = -(chunk.StartPts - chunk.FirstTimestamp) - correction;
                long move = ToMicroseconds(wantedTicks, timeBase);
                if (ToTicks(move, timeBase) != wantedTicks)
                {
                    throw new InvalidOperationException($"The time base {timeBase} is finer than a microsecond; the chunks cannot be joined at their exact times.");
                }
                long nextPlace = chunk.StartMicroseconds + move;
                if (nextPlace <= place)
                {
                    throw new InvalidOperationException($"Chunk {chunk.Index} starts before the chunk ahead of it ends; the work folder is inconsistent.");
                }
                list.Append("duration ").Append(Seconds(nextPlace - place)).Append('\n');
                place = nextPlace;
            }
            list.Append("file ").Append(chunks[i].File).Append('\n');
        }
        return (list.ToString(), correction);
    }

    /// <summary>Microseconds to ticks, rounded half away from zero as libavutil's av_rescale_q does.</summary>
    public static long ToTicks(long microseconds, Rational timeBase) =>
        RoundedDivide((Int128)microseconds * timeBase.Denominator, (Int128)timeBase.Numerator * MicrosecondsPerSecond);

    /// <summary>
    /// <paramref name="ticks"/> of <paramref name="from"/> in ticks of <paramref name="to"/>; null when
    /// that is not a whole number (NUT's time base is the source's refined, so it always is).
    /// </summary>
    public static long? Convert(long ticks, Rational from, Rational to)
    {
        Int128 numerator = (Int128)ticks * from.Numerator * to.Denominator;
        Int128 denominator = (Int128)from.Denominator * to.Numerator;
        return numerator % denominator == 0 ? (long)(numerator / denominator) : null;
    }

    public static long ToMicroseconds(long ticks, Rational timeBase) =>
        RoundedDivide((Int128)ticks * timeBase.Numerator * MicrosecondsPerSecond, timeBase.Denominator);

    private static long RoundedDivide(Int128 value, Int128 divisor)
    {
        Int128 half = divisor / 2;
        return (long)((value + (value >= 0 ? half : -half)) / divisor);
    }

    private static string Seconds(long microseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{microseconds / MicrosecondsPerSecond}.{microseconds % MicrosecondsPerSecond:D6}");
}
