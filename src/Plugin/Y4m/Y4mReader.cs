using System.Text;

namespace SeRanet.Video.Plugin.Y4m;

/// <summary>
/// Reads a YUV4MPEG2 stream: text lines (the stream and frame headers) through a small buffer,
/// frame data straight into the caller's memory. A pipe's read may ignore cancellation, so every
/// read stops waiting when the token fires rather than hang.
/// </summary>
internal sealed class Y4mReader(Stream input)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;

    /// <summary>
    /// The next line without its newline; null when the stream ends before any byte of it.
    /// A line that ends without a newline, or runs past <paramref name="maxLength"/>, is an error
    /// described by <paramref name="what"/> (e.g. "the header of frame 12").
    /// </summary>
    public async Task<string?> ReadLineAsync(int maxLength, string what, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return line.Length == 0 ? null : throw new InvalidDataException($"The y4m stream ended inside {what}.");
            }
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = newline >= 0 ? newline : _end;
            line.Append(Encoding.ASCII.GetString(_buffer, _start, stop - _start));
            _start = newline >= 0 ? newline + 1 : _end;
            if (line.Length > maxLength)
            {
                throw new InvalidDataException($"The y4m stream has no end to {what} within {maxLength} bytes.");
            }
            if (newline >= 0)
            {
                return line.ToString();
            }
        }
    }

    /// <summary>Fills <paramref name="target"/>; returns fewer bytes only when the stream ends.</summary>
    public async Task<int> ReadAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        int copied = Math.Min(_end - _start, target.Length);
        _buffer.AsMemory(_start, copied).CopyTo(target);
        _start += copied;
        while (copied < target.Length)
        {
            int read = await input.ReadAsync(target[copied..], cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            copied += read;
        }
        return copied;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await input.ReadAsync(_buffer, cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }
}
