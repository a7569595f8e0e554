using System.Text;
using System.Text.RegularExpressions;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Build;

/// <summary>
/// Two rules of the engine (every project under src/ but the CLI), checked on its source: it reads
/// no environment variable (settings come in as options, which each shell fills from wherever it
/// likes), and no string it writes names a command-line flag (the CLI maps the engine's exceptions
/// to its flags, <c>CommandErrors.InCliWords</c>). Comments may name flags; strings may not.
/// </summary>
public partial class EngineSourceRulesTests
{
    /// <summary>
    /// Engine files allowed to break a rule, each with the reason: a file listed here names the
    /// rule it breaks. Empty today; an entry needs a comment in the file saying why as well.
    /// </summary>
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        ["src/Upscaler/Export/MpvShaderExporter.cs"] = "the shader file's header tells mpv users mpv's own flag (--glsl-shaders), not one of ours",
        ["src/Upscaler/Inference/CpuFeatures.cs"] = "oneDNN reads its instruction-set cap (ONEDNN_MAX_CPU_ISA) from the environment itself, in every host; the engine reads the same variable to know which kernels oneDNN will run, not a setting of ours",
    };

    [GeneratedRegex(@"(?<![\w-])--[A-Za-z]")]
    private static partial Regex Flag();

    [GeneratedRegex(@"\bEnvironment\s*\.\s*GetEnvironmentVariables?\b")]
    private static partial Regex EnvironmentRead();

    private static IEnumerable<string> EngineSources()
    {
        string src = Path.Combine(RepoPaths.Root, "src");
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(file =>
            {
                string relative = Path.GetRelativePath(src, file).Replace('\\', '/');
                string[] parts = relative.Split('/');
                return parts[0] != "Cli" && !parts.Contains("bin") && !parts.Contains("obj");
            });
    }

    private static string Relative(string file) => Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');

    [Fact]
    public void The_scan_sees_the_engine()
    {
        var files = EngineSources().Select(Relative).ToList();
        Assert.Contains("src/Core/Ffmpeg/FfmpegProcess.cs", files);
        Assert.Contains("src/Upscaler/Weights/ModelCatalog.cs", files);
        Assert.DoesNotContain(files, file => file.StartsWith("src/Cli/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_engine_reads_no_environment_variable()
    {
        var readers = EngineSources()
            .Where(file => !Exceptions.ContainsKey(Relative(file)))
            .Where(file => EnvironmentRead().IsMatch(WithoutCommentsAndStrings(File.ReadAllText(file))))
            .Select(Relative)
            .ToList();
        Assert.True(readers.Count == 0, "environment read in the engine (pass it as an option the shell fills in): " + string.Join(", ", readers));
    }

    [Fact]
    public void No_engine_string_names_a_command_line_flag()
    {
        var flags = EngineSources()
            .Where(file => !Exceptions.ContainsKey(Relative(file)))
            .SelectMany(file => StringLiterals(File.ReadAllText(file))
                .Where(literal => Flag().IsMatch(literal.Text))
                .Select(literal => $"{Relative(file)}:{literal.Line}: {literal.Text}"))
            .ToList();
        Assert.True(flags.Count == 0, "engine strings naming a flag (throw a typed exception and word it in the CLI):\n" + string.Join('\n', flags));
    }

    [Theory]
    [InlineData("throw new ArgumentException(\"--scales takes factors\");", true)]
    [InlineData("var s = $\"{name} needs --data here\";", true)]
    [InlineData("var s = $\"{(a ? \"x\" : \"y\")} then --crf\";", true)]
    [InlineData("var s = @\"verbatim \"\" --model\";", true)]
    [InlineData("// a comment naming --overwrite\nvar s = \"plain\";", false)]
    [InlineData("/// <summary>Like <c>--resume</c>.</summary>\nvar s = \"-crf\";", false)]
    [InlineData("/* --init */ var s = \"a-b --\"; char c = '\"'; var t = \"x\";", false)]
    [InlineData("var s = $\"{{not a hole}} -- 3\";", false)]
    public void The_scanner_finds_flags_in_strings_only(string source, bool flagged)
    {
        Assert.Equal(flagged, StringLiterals(source).Any(literal => Flag().IsMatch(literal.Text)));
    }

    [Fact]
    public void The_scanner_ignores_environment_reads_in_comments_but_not_in_code()
    {
        Assert.DoesNotMatch(EnvironmentRead(), WithoutCommentsAndStrings("// Environment.GetEnvironmentVariable(\"X\")\nvar s = \"Environment.GetEnvironmentVariable\";"));
        Assert.Matches(EnvironmentRead(), WithoutCommentsAndStrings("var x = Environment.GetEnvironmentVariable(\"X\");"));
    }

    private sealed record Literal(int Line, string Text);

    /// <summary>The text of every string literal (interpolation holes left out), with the line it starts on.</summary>
    private static List<Literal> StringLiterals(string source)
    {
        var scanner = new CSharpScanner(source);
        scanner.Scan(untilClosingBrace: false);
        return scanner.Literals;
    }

    private static string WithoutCommentsAndStrings(string source)
    {
        var scanner = new CSharpScanner(source);
        scanner.Scan(untilClosingBrace: false);
        return scanner.Code.ToString();
    }

    /// <summary>
    /// Just enough of C#'s lexical grammar to tell code, comments and strings apart: line and block
    /// comments, character literals, regular, verbatim, interpolated and raw strings, with the code
    /// in interpolation holes scanned as code (it may hold strings of its own).
    /// </summary>
    private sealed class CSharpScanner(string source)
    {
        private int _at;

        public List<Literal> Literals { get; } = [];

        /// <summary>The source with comments and string contents removed.</summary>
        public StringBuilder Code { get; } = new();

        private char Peek(int ahead = 0) => _at + ahead < source.Length ? source[_at + ahead] : '\0';

        private int LineAt(int index) => source.AsSpan(0, index).Count('\n') + 1;

        public void Scan(bool untilClosingBrace)
        {
            int depth = 0;
            while (_at < source.Length)
            {
                char c = Peek();
                if (c == '/' && Peek(1) == '/')
                {
                    while (_at < source.Length && Peek() != '\n')
                    {
                        _at++;
                    }
                }
                else if (c == '/' && Peek(1) == '*')
                {
                    int end = source.IndexOf("*/", _at + 2, StringComparison.Ordinal);
                    _at = end < 0 ? source.Length : end + 2;
                }
                else if (c == '\'')
                {
                    _at++;
                    while (_at < source.Length && Peek() != '\'')
                    {
                        _at += Peek() == '\\' ? 2 : 1;
                    }
                    _at++;
                }
                else if (StringStart() is { } start)
                {
                    ReadString(start.Prefix, start.Quotes);
                }
                else if (untilClosingBrace && c == '}' && depth == 0)
                {
                    _at++;
                    return;
                }
                else
                {
                    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                    Code.Append(c);
                    _at++;
                }
            }
        }

        /// <summary>At a string's start: its prefix ($, @, $@, @$, $$...) and how many quotes open it.</summary>
        private (string Prefix, int Quotes)? StringStart()
        {
            int i = _at;
            while (i < source.Length && (source[i] == '$' || source[i] == '@'))
            {
                i++;
            }
            if (i >= source.Length || source[i] != '"')
            {
                return null;
            }
            int quotes = 0;
            while (i + quotes < source.Length && source[i + quotes] == '"')
            {
                quotes++;
            }
            return (source[_at..i], quotes >= 3 ? quotes : 1);
        }

        private void ReadString(string prefix, int quotes)
        {
            int start = _at;
            _at += prefix.Length + quotes;
            bool verbatim = prefix.Contains('@');
            int dollars = prefix.Count(ch => ch == '$');
            bool raw = quotes >= 3;
            var text = new StringBuilder();
            while (_at < source.Length)
            {
                char c = Peek();
                if (raw && c == '"' && source.AsSpan(_at).StartsWith(new string('"', quotes)))
                {
                    _at += quotes;
                    break;
                }
                if (!raw && c == '"')
                {
                    if (verbatim && Peek(1) == '"')
                    {
                        text.Append('"');
                        _at += 2;
                        continue;
                    }
                    _at++;
                    break;
                }
                if (!raw && !verbatim && c == '\\')
                {
                    text.Append(c).Append(Peek(1));
                    _at += 2;
                    continue;
                }
                if (dollars > 0 && c == '{')
                {
                    int open = raw ? dollars : 1;
                    if (source.AsSpan(_at).StartsWith(new string('{', open)) && !(!raw && Peek(1) == '{'))
                    {
                        _at += open;
                        text.Append(' ');
                        Scan(untilClosingBrace: true);
                        // A raw hole closes with as many braces as it opened with; the scan took one.
                        _at += open - 1;
                        continue;
                    }
                    if (!raw)
                    {
                        text.Append('{');
                        _at += 2;
                        continue;
                    }
                }
                if (dollars > 0 && !raw && c == '}' && Peek(1) == '}')
                {
                    text.Append('}');
                    _at += 2;
                    continue;
                }
                text.Append(c);
                _at++;
            }
            Literals.Add(new Literal(LineAt(start), text.ToString()));
        }
    }
}
