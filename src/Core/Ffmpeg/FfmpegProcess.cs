using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SeRanet.Video.Core.Ffmpeg;

/// <summary>
/// One running ffmpeg/ffprobe process with raw data on stdin/stdout. Stderr is always drained
/// (a full stderr pipe would stall ffmpeg) and its last lines are kept for error messages.
/// </summary>
public sealed class FfmpegProcess : IAsyncDisposable
{
    private const int StderrLinesKept = 30;

    /// <summary>ENOENT on Unix and ERROR_FILE_NOT_FOUND on Windows: the executable is not there.</summary>
    private const int NoSuchFile = 2;

    private readonly Process _process;
    private readonly Queue<string> _stderrTail = new();
    private readonly Task _stderrDrain;
    private readonly string _toolName;

    private FfmpegProcess(Process process, string toolName)
    {
        _process = process;
        _toolName = toolName;
        _stderrDrain = DrainStderrAsync();
    }

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <summary>The last lines ffmpeg wrote to stderr.</summary>
    public string StderrTail
    {
        get
        {
            lock (_stderrTail)
            {
                return string.Join('\n', _stderrTail);
            }
        }
    }

    public static FfmpegProcess Start(string executable, IEnumerable<string> arguments, bool redirectInput)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new FfmpegException($"Could not start {executable}.");
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == NoSuchFile)
        {
            string name = Path.GetFileNameWithoutExtension(executable);
            throw new FfmpegNotFoundException(executable, Path.IsPathRooted(executable)
                ? $"{executable} was not found. Install ffmpeg (for example `apt-get install ffmpeg`) or point the job at the folder that holds {name}."
                : $"{name} was not found on PATH. Install ffmpeg (for example `apt-get install ffmpeg`) or point the job at the folder that holds it.", ex);
        }
        return new FfmpegProcess(process, Path.GetFileNameWithoutExtension(executable));
    }

    /// <summary>Waits for exit; throws <see cref="FfmpegException"/> with stderr's tail on a non-zero code.</summary>
    public async Task WaitForSuccessAsync(string what, CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }
        await _stderrDrain.ConfigureAwait(false);
        if (_process.ExitCode != 0)
        {
            throw new FfmpegException($"{what}: {_toolName} exited with code {_process.ExitCode}.\n{StderrTail}".TrimEnd());
        }
    }

    /// <summary>Reads exactly buffer.Length bytes; false on a clean end of stream before the first byte.</summary>
    public async Task<bool> ReadExactlyOrEndAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await StandardOutput.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (total == 0)
                {
                    return false;
                }
                throw new FfmpegException(
                    $"{_toolName} ended in the middle of a frame ({total} of {buffer.Length} bytes).\n{StderrTail}".TrimEnd());
            }
            total += read;
        }
        return true;
    }

    /// <summary>Ends the process now, with its children. Safe to call more than once.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            await _stderrDrain.ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task DrainStderrAsync()
    {
        var reader = _process.StandardError;
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_stderrTail)
            {
                _stderrTail.Enqueue(line);
                if (_stderrTail.Count > StderrLinesKept)
                {
                    _stderrTail.Dequeue();
                }
            }
        }
    }

    /// <summary>Runs a process to completion and returns its stdout as text.</summary>
    public static async Task<string> RunForTextAsync(string executable, IEnumerable<string> arguments, string what, CancellationToken cancellationToken)
    {
        await using FfmpegProcess process = Start(executable, arguments, redirectInput: false);
        using var reader = new StreamReader(process.StandardOutput, Encoding.UTF8);
        string text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForSuccessAsync(what, cancellationToken).ConfigureAwait(false);
        return text;
    }
}
