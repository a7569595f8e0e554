using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SeRanet.Video.Cli.Commands;

/// <summary>
/// Parsers for option values, so a bad value is a usage error (exit 2) before any work starts, and
/// its message names the option and what it accepts, on one line.
/// </summary>
internal static class OptionValues
{
    /// <summary>Parses the option's one token with <paramref name="parse"/>; a value it refuses is a usage error.</summary>
    public static Option<T> Accepting<T>(this Option<T> option, string accepted, Func<string, (bool Ok, T Value)> parse)
    {
        option.CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
            var (ok, value) = result.Tokens.Count == 1 ? parse(text) : (false, default!);
            if (!ok)
            {
                result.AddError($"{option.Name} takes {accepted}, not '{text}'.");
            }
            return value;
        };
        return option;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Between(this Option<int> option, int min, int max) =>
        option.Accepting(Range(min, max), text => Integer(text, min, max));

    /// <inheritdoc cref="Between(Option{int}, int, int)"/>
    public static Option<int?> Between(this Option<int?> option, int min, int max) =>
        option.Accepting(Range(min, max), text =>
        {
            var (ok, value) = Integer(text, min, max);
            return (ok, (int?)value);
        });

    /// <inheritdoc cref="Between(Option{int}, int, int)"/>
    public static Option<long> Between(this Option<long> option, long min, long max) =>
        option.Accepting(Range(min, max), text => LongInteger(text, min, max));

    /// <inheritdoc cref="Between(Option{int}, int, int)"/>
    public static Option<long?> Between(this Option<long?> option, long min, long max) =>
        option.Accepting(Range(min, max), text =>
        {
            var (ok, value) = LongInteger(text, min, max);
            return (ok, (long?)value);
        });

    /// <summary>A finite number for which <paramref name="isValid"/> holds, described by <paramref name="accepted"/>.</summary>
    public static Option<double> Number(this Option<double> option, string accepted, Func<double, bool> isValid) =>
        option.Accepting(accepted, text => Real(text, isValid));

    /// <inheritdoc cref="Number(Option{double}, string, Func{double, bool})"/>
    public static Option<double?> Number(this Option<double?> option, string accepted, Func<double, bool> isValid) =>
        option.Accepting(accepted, text =>
        {
            var (ok, value) = Real(text, isValid);
            return (ok, (double?)value);
        });

    /// <summary>One of the enum's names, in any case.</summary>
    public static Option<TEnum> OneOf<TEnum>(this Option<TEnum> option) where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>().Select(name => name.ToLowerInvariant()).ToList();
        option.HelpName ??= string.Join('|', names);
        return option.Accepting(Alternatives(names), text =>
            names.Contains(text.ToLowerInvariant()) && Enum.TryParse(text, ignoreCase: true, out TEnum value) ? (true, value) : (false, default));
    }

    /// <summary>One of <paramref name="names"/>, exactly (for <c>Option&lt;string&gt;</c> and <c>Option&lt;string?&gt;</c>).</summary>
    public static Option<TString> OneOf<TString>(this Option<TString> option, IReadOnlyList<string> names) where TString : class?
    {
        if (typeof(TString) != typeof(string))
        {
            throw new ArgumentException("OneOf with names is for string options.", nameof(option));
        }
        option.HelpName ??= string.Join('|', names);
        return option.Accepting(Alternatives(names), text => (names.Contains(text, StringComparer.Ordinal), (TString)(object)text));
    }

    /// <summary>WIDTHxHEIGHT, both from 1 to 65535.</summary>
    public static (bool Ok, (int Width, int Height) Value) Size(string text)
    {
        string[] parts = text.Split('x');
        return parts.Length == 2 && Integer(parts[0], 1, 65535) is (true, int width) && Integer(parts[1], 1, 65535) is (true, int height)
            ? (true, (width, height))
            : (false, default);
    }

    /// <summary>
    /// A size in bytes: a number with K, M, G or T (binary multiples; "GiB", "GB", "g" read the same),
    /// or a plain number of bytes. 1.5G is 1.5 x 2^30.
    /// </summary>
    public static (bool Ok, long Value) ByteSize(string text)
    {
        string trimmed = text.Trim();
        string unit = new([.. trimmed.SkipWhile(c => char.IsAsciiDigit(c) || c == '.')]);
        string number = trimmed[..^unit.Length];
        int shift = unit.ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            "T" or "TB" or "TIB" => 40,
            _ => -1,
        };
        if (shift < 0 || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
            || !(value > 0) || value * Math.Pow(2, shift) >= long.MaxValue / 2)
        {
            return (false, 0);
        }
        return (true, (long)Math.Round(value * Math.Pow(2, shift)));
    }

    /// <summary>"a, b or c".</summary>
    public static string Alternatives(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];

    private static string Range(long min, long max) =>
        max == int.MaxValue || max == long.MaxValue
            ? $"a whole number of at least {min.ToString(CultureInfo.InvariantCulture)}"
            : $"a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";

    private static (bool, int) Integer(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? (true, value)
            : (false, 0);

    private static (bool, long) LongInteger(string text, long min, long max) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max
            ? (true, value)
            : (false, 0);

    private static (bool, double) Real(string text, Func<double, bool> isValid) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && isValid(value)
            ? (true, value)
            : (false, 0);

    /// <summary>
    /// Refuses values that look like options: an argument or option that takes several values
    /// would otherwise swallow a misspelt or retired flag (and its value) as file names. A value
    /// that names an existing file or folder is taken as that ("seranet upscale -o out.mp4 -- -in.mp4").
    /// </summary>
    public static TSymbol RefusingFlags<TSymbol>(this TSymbol symbol) where TSymbol : Symbol
    {
        void Check(SymbolResult result)
        {
            if (result.Tokens.FirstOrDefault(token => token.Value.Length > 1 && token.Value.StartsWith('-') && !Path.Exists(token.Value)) is { } flag)
            {
                result.AddError($"Unrecognized option '{flag.Value}'.");
            }
        }
        switch (symbol)
        {
            case Argument argument:
                argument.Validators.Add(Check);
                break;
            case Option option:
                option.Validators.Add(Check);
                break;
            default:
                throw new ArgumentException("Only arguments and options take values.", nameof(symbol));
        }
        return symbol;
    }

    /// <summary>Adds a check across options, reported as a usage error.</summary>
    public static void Check(this Command command, Func<CommandResult, string?> problem)
    {
        command.Validators.Add(result =>
        {
            string? message;
            try
            {
                message = problem(result);
            }
            catch (InvalidOperationException)
            {
                // GetValue throws for an option whose own value was refused; that error is already reported.
                return;
            }
            if (message is not null)
            {
                result.AddError(message);
            }
        });
    }
}
