using System.Diagnostics;

namespace SeRanet.Video.Tests.Support;

/// <summary>
/// The reference ONNX checker: Debian's python3-onnx (scripts/ensure-onnx-checker.sh installs it)
/// run by the system Python, since the PATH's python may be another installation without it.
/// </summary>
public static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    // full_check runs strict shape inference over the whole graph; the inferred output must keep
    // the dynamic batch and the channel count.
    private const string Script = """
        import sys, onnx
        model = onnx.load(sys.argv[1])
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        dims = inferred.graph.output[0].type.tensor_type.shape.dim
        print(" ".join(d.dim_param or str(d.dim_value) for d in dims))
        """;

    /// <summary>Checks the file; returns the output shape as shape inference sees it, e.g. "N 1 H2 W2".</summary>
    public static string Check(string path)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing; run scripts/ensure-onnx-checker.sh (scripts/test.sh does).");
        }
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string message = error.Result;
            throw new InvalidOperationException(message.Contains("No module named 'onnx'", StringComparison.Ordinal)
                ? "python3-onnx is not installed; run scripts/ensure-onnx-checker.sh (scripts/test.sh does)."
                : $"onnx.checker refused {path}:\n{message}");
        }
        return output.Trim();
    }
}
