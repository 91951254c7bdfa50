// A streaming RFC 4180 CSV reader: quotes, doubled quotes, line breaks inside quotes, CRLF or LF, BOM, blank lines.
using System.Text;

namespace GeoAssign.Cli.Csv;

/// <summary>A malformed CSV record, with the line it starts on.</summary>
internal sealed class CsvFormatException(long line, string problem) : Exception(problem)
{
    public long Line { get; } = line;
}

/// <summary>
/// Reads CSV records one at a time from a stream, never holding more than one record and a buffer.
/// Fields are separated by commas; a field in double quotes may hold commas, line breaks and doubled
/// quotes. Lines end with LF, CRLF or CR. A byte-order mark (UTF-8 or UTF-16) is honoured and
/// dropped; without one the text is read as UTF-8. Blank lines (empty or only spaces and tabs) are
/// skipped. Not thread-safe, except <see cref="BytesRead"/>, which a progress display may read.
/// </summary>
internal sealed class CsvReader : IDisposable
{
    private const int BufferChars = 1 << 16;

    private readonly Stream _stream;
    private readonly StreamReader _reader;
    private readonly char[] _buffer = new char[BufferChars];
    private readonly StringBuilder _field = new();
    private int _length;
    private int _position;
    private long _line = 1;
    private long _bytesRead;

    public CsvReader(Stream stream)
    {
        _stream = stream;
        _reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false),
            detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>The line the last record read starts on (1-based, counting every physical line).</summary>
    public long RecordLine { get; private set; }

    /// <summary>Bytes of the stream consumed so far (for progress).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the input.</summary>
    /// <exception cref="CsvFormatException">A quoted field is not closed, or text follows its closing quote.</exception>
    public bool ReadRecord(List<string> fields)
    {
        while (true)
        {
            fields.Clear();
            if (!Fill())
            {
                return false;
            }

            RecordLine = _line;
            ReadFields(fields);
            if (fields.Count == 1 && IsBlank(fields[0]))
            {
                continue;
            }

            return true;
        }
    }

    private void ReadFields(List<string> fields)
    {
        while (true)
        {
            _field.Clear();
            if (Fill() && _buffer[_position] == '"')
            {
                _position++;
                ReadQuoted();
            }
            else
            {
                ReadUnquoted();
            }

            fields.Add(_field.ToString());
            if (!Fill())
            {
                return;
            }

            var c = _buffer[_position++];
            if (c == ',')
            {
                continue;
            }

            // A line break ends the record (ReadUnquoted and ReadQuoted stop only at ',' or a break).
            EndLine(c);
            return;
        }
    }

    private void ReadUnquoted()
    {
        while (Fill())
        {
            var start = _position;
            while (_position < _length)
            {
                var c = _buffer[_position];
                if (c is ',' or '\n' or '\r')
                {
                    _field.Append(_buffer, start, _position - start);
                    return;
                }

                _position++;
            }

            _field.Append(_buffer, start, _position - start);
        }
    }

    private void ReadQuoted()
    {
        var startLine = _line;
        while (true)
        {
            if (!Fill())
            {
                throw new CsvFormatException(startLine, $"the quoted field that starts on line {startLine} is never closed (a \" is missing)");
            }

            var c = _buffer[_position++];
            if (c == '"')
            {
                if (Fill() && _buffer[_position] == '"')
                {
                    _field.Append('"');
                    _position++;
                    continue;
                }

                if (Fill() && _buffer[_position] is not (',' or '\n' or '\r'))
                {
                    throw new CsvFormatException(_line, $"unexpected '{_buffer[_position]}' after the closing quote of a field; put the whole field in quotes and double any quote inside it");
                }

                return;
            }

            if (c == '\n' || c == '\r')
            {
                EndLine(c);
                _field.Append('\n');
                continue;
            }

            _field.Append(c);
        }
    }

    // Counts a line break; a CR followed by LF is one.
    private void EndLine(char c)
    {
        if (c == '\r' && Fill() && _buffer[_position] == '\n')
        {
            _position++;
        }

        _line++;
    }

    private bool Fill()
    {
        if (_position < _length)
        {
            return true;
        }

        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        if (_stream.CanSeek)
        {
            Interlocked.Exchange(ref _bytesRead, _stream.Position);
        }

        return _length > 0;
    }

    private static bool IsBlank(string field)
    {
        foreach (var c in field)
        {
            if (c is not (' ' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose() => _reader.Dispose();
}
