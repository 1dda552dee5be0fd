using System.Text;

namespace Norsjo.Retail.Agent.Sources.Files;

/// <summary>One line of a file, with where it starts and where the next begins. Null text: longer than a line may be.</summary>
public readonly record struct FileLine(long Start, long End, string? Text);

/// <summary>
/// The complete lines of a stretch of a file, read through a small buffer, so memory does not grow
/// with the file. A line is complete when its line end has been written; the bytes after the last
/// one belong to a line still being written and are left for later, unless the file is known to be
/// finished. Each line is decoded on its own: UTF-8 as tills write today, else Latin-1.
/// </summary>
public sealed class LineSource
{
    /// <summary>Longer lines cannot be a receipt row; they are reported, not kept.</summary>
    public const int MaxLineBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly long _end;
    private readonly bool _takeUnterminated;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private byte[] _line = new byte[1024];
    private int _index;
    private int _count;
    private long _position;

    /// <param name="takeUnterminated">The file is finished: a last line without a line end is a line too.</param>
    public LineSource(Stream stream, long start, long end, bool takeUnterminated)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _end = end;
        _takeUnterminated = takeUnterminated;
        _position = start;
        stream.Position = start;
    }

    /// <summary>Where the next line would start: everything before it has been read.</summary>
    public long Position => _position;

    public bool Next(out FileLine line)
    {
        var start = _position;
        var length = 0;
        var tooLong = false;
        while (true)
        {
            if (_index == _count && !Fill())
            {
                if ((length > 0 || tooLong) && _takeUnterminated)
                {
                    line = new FileLine(start, _position, tooLong ? null : Decode(start, length));
                    return true;
                }

                // An unfinished last line: not read, so the next reading starts at it again.
                _position = start;
                line = default;
                return false;
            }

            var span = _buffer.AsSpan(_index, _count - _index);
            var newline = span.IndexOf((byte)'\n');
            var part = newline >= 0 ? span[..newline] : span;
            if (!tooLong && length + part.Length > MaxLineBytes)
            {
                tooLong = true;
            }

            if (!tooLong)
            {
                if (length + part.Length > _line.Length)
                {
                    Array.Resize(ref _line, Math.Max(_line.Length * 2, length + part.Length));
                }

                part.CopyTo(_line.AsSpan(length));
                length += part.Length;
            }

            var consumed = newline >= 0 ? newline + 1 : span.Length;
            _index += consumed;
            _position += consumed;
            if (newline >= 0)
            {
                line = new FileLine(start, _position, tooLong ? null : Decode(start, length));
                return true;
            }
        }
    }

    private bool Fill()
    {
        var wanted = (int)Math.Min(_buffer.Length, _end - _position);
        _index = 0;
        _count = wanted > 0 ? _stream.Read(_buffer, 0, wanted) : 0;
        return _count > 0;
    }

    private string Decode(long start, int length)
    {
        var bytes = _line.AsSpan(0, length);
        if (bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
        }

        if (start == 0 && bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
