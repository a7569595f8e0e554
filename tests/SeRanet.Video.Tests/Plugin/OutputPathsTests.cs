using SeRanet.Video.Core.Files;
using SeRanet.Video.Plugin;
using SeRanet.Video.Tests.Support;

namespace SeRanet.Video.Tests.Plugin;

public class OutputPathsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_existing_output_is_refused_in_the_library_s_words_and_allowed_when_asked()
    {
        string input = _temp.File("in.mp4"), output = _temp.File("out.mp4");
        File.WriteAllText(input, "x");
        File.WriteAllText(output, "y");

        var error = Assert.Throws<OutputExistsException>(() => OutputPaths.Check(input, output, overwrite: false));

        Assert.Equal(output, error.Path);
        // The flag that fixes it is the shell's word, not the library's.
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
        OutputPaths.Check(input, output, overwrite: true);
    }

    [Fact]
    public void The_input_is_never_the_output()
    {
        string input = _temp.File("in.mp4");
        File.WriteAllText(input, "x");

        Assert.Throws<ArgumentException>(() => OutputPaths.Check(input, Path.Combine(_temp.Path, ".", "in.mp4"), overwrite: true));
    }
}
