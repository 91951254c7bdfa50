// Reads CSV records through CsvHelper with the CLI's rules: blank lines skipped, line breaks in fields as LF, bad quoting named by its line.
using Library = CsvHelper;

namespace GeoAssign.Cli.Csv;

/// <summary>
/// Reads CSV records one at a time from a stream, never holding more than one record and a buffer.
/// Fields are separated by commas; a field in double quotes may hold commas, line breaks and doubled
/// quotes (RFC 4180). Lines end with LF, CRLF or CR; a line break inside a quoted field reads as LF. A
/// byte-order mark (UTF-8, UTF-16 or UTF-32) is honoured and dropped; without one the text is read as
/// UTF-8, invalid bytes as U+FFFD. Blank lines (empty or only spaces and tabs) are skipped. A quote
/// inside an unquoted field is text; a quoted field that is never closed, or text after a closing
/// quote, is a <see cref="CsvFormatException"/> naming the line of the problem. Not thread-safe,
/// except <see cref="BytesRead"/>, which a progress display may read.
/// </summary>
internal sealed class CsvRecordReader : IDisposable
{
    private static readonly Library.CsvReaderOptions Options = Library.CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = false,
        Mode = Library.CsvMode.Rfc4180,
        AllowLineBreaksInQuotes = true,
        SkipEmptyLines = true,
        TrimWhitespace = false,
        // A first line "sep=;" is a record like any other, not an instruction.
        DetectSeparatorHint = false,
        TrackLineNumbers = true,
        FieldCountMismatch = Library.CsvFieldCountHandling.Allow,
        // Recover keeps a stray quote in an unquoted field as text; the other problems throw below.
        MalformedData = Library.CsvMalformedDataHandling.Recover,
        OnMalformedRecord = Reject,
    };

    private readonly Stream _stream;
    private readonly Library.CsvReader _reader;
    private long _bytesRead;

    public CsvRecordReader(Stream stream)
    {
        _stream = stream;
        _reader = Library.CsvReader.Create(stream, Options, leaveOpen: false);
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
            if (!_reader.Read())
            {
                PublishPosition();
                return false;
            }

            var count = _reader.FieldCount;
            for (var i = 0; i < count; i++)
            {
                var field = _reader.GetString(i);
                fields.Add(field.Contains('\r', StringComparison.Ordinal) ? field.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : field);
            }

            if (count == 1 && fields[0].AsSpan().Trim(" \t").IsEmpty)
            {
                continue;
            }

            RecordLine = _reader.LineNumber;
            PublishPosition();
            return true;
        }
    }

    public void Dispose() => _reader.Dispose();

    private void PublishPosition()
    {
        if (_stream.CanSeek)
        {
            Interlocked.Exchange(ref _bytesRead, _stream.Position);
        }
    }

    private static void Reject(Library.CsvMalformedRecord record)
    {
        if (record.Reason is not (Library.CsvMalformedReason.UnterminatedQuote or Library.CsvMalformedReason.TextAfterClosingQuote))
        {
            return;
        }

        // The library names the record's first line; the problem may sit on a later line of it.
        var raw = record.RawRecord;
        var (index, unterminated) = Problem(raw) ?? (0, record.Reason == Library.CsvMalformedReason.UnterminatedQuote);
        var line = record.LineNumber + LineBreaks(raw.AsSpan(0, index));
        throw unterminated
            ? new CsvFormatException(line, $"the quoted field that starts on line {line} is never closed (a \" is missing)")
            : new CsvFormatException(line, $"unexpected '{raw[index]}' after the closing quote of a field; put the whole field in quotes and double any quote inside it");
    }

    /// <summary>
    /// Where a record breaks the quoting rules: the opening quote of a field that is never closed, or
    /// the first character after a closing quote that is not a comma; <see langword="null"/> if neither.
    /// </summary>
    private static (int Index, bool Unterminated)? Problem(string raw)
    {
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != '"')
            {
                // An unquoted field: quotes in it are text.
                i = raw.IndexOf(',', i) is var comma and >= 0 ? comma + 1 : raw.Length;
                continue;
            }

            var open = i++;
            while (true)
            {
                if (i >= raw.Length)
                {
                    return (open, true);
                }

                if (raw[i++] != '"')
                {
                    continue;
                }

                if (i < raw.Length && raw[i] == '"')
                {
                    i++;
                    continue;
                }

                break;
            }

            if (i < raw.Length && raw[i] != ',')
            {
                return (i, false);
            }

            i++;
        }

        return null;
    }

    // A CR followed by LF is one line break.
    private static int LineBreaks(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }
}
