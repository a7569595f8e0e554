namespace SeRanet.Video.Plugin.Y4m;

/// <summary>Tells a YUV4MPEG2 stream from raw frames by its first bytes, without losing them.</summary>
public static class Y4mDetection
{
    /// <summary>
    /// Reads up to the length of the magic from <paramref name="input"/> and returns whether it is
    /// YUV4MPEG2's, with a stream that yields those bytes again and then the rest of the input.
    /// </summary>
    public static async Task<(bool IsY4m, Stream Stream)> DetectAsync(Stream input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] start = new byte[Y4mHeader.Magic.Length];
        int read = await input.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        bool isY4m = read == start.Length && start.AsSpan().SequenceEqual("YUV4MPEG2"u8);
        return (isY4m, new ReplayStream(start.AsMemory(0, read), input));
    }

    /// <summary>Bytes already read, then the stream they came from.</summary>
    private sealed class ReplayStream(ReadOnlyMemory<byte> replay, Stream rest) : Stream
    {
        private ReadOnlyMemory<byte> _replay = replay;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_replay.IsEmpty)
            {
                return rest.Read(buffer);
            }
            int n = Math.Min(buffer.Length, _replay.Length);
            _replay.Span[..n].CopyTo(buffer);
            _replay = _replay[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_replay.IsEmpty)
            {
                return rest.ReadAsync(buffer, cancellationToken);
            }
            int n = Math.Min(buffer.Length, _replay.Length);
            _replay.Span[..n].CopyTo(buffer.Span);
            _replay = _replay[n..];
            return ValueTask.FromResult(n);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
