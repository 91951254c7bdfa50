// Writes CSV records through CsvHelper, quoting only the fields that need it.
using Library = CsvHelper;

namespace GeoAssign.Cli.Csv;

/// <summary>
/// Writes CSV records (UTF-8 without a byte-order mark, LF line ends). A field is quoted when it holds
/// a comma, a quote, a line break, or leading or trailing spaces; quotes inside are doubled. A
/// <see langword="null"/> field is empty. Not thread-safe.
/// </summary>
internal sealed class CsvRecordWriter : IDisposable, IAsyncDisposable
{
    private static readonly Library.CsvWriterOptions Options = Library.CsvWriterOptions.Default with
    {
        Separator = ',',
        Mode = Library.CsvMode.Rfc4180,
        NewLine = "\n",
        Quoting = Library.CsvQuoting.WhenNeeded,
        Injection = Library.CsvInjection.None,
        WriteByteOrderMark = false,
    };

    private readonly Library.CsvWriter _writer;

    public CsvRecordWriter(Stream stream)
    {
        _writer = Library.CsvWriter.Create(stream, Options, leaveOpen: false);
    }

    public void WriteRecord(params ReadOnlySpan<string?> fields)
    {
        foreach (var field in fields)
        {
            // Spaces at either end are quoted so that readers which trim fields keep them (tabs are not).
            if (field is { Length: > 0 } && (field[0] == ' ' || field[^1] == ' '))
            {
                _writer.WriteField(field, Library.CsvQuoting.Always);
            }
            else
            {
                _writer.WriteField(field);
            }
        }

        _writer.EndRecord();
    }

    public void Dispose() => _writer.Dispose();

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
