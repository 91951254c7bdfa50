// A CSV writer that quotes only the fields that need it.
using System.Text;

namespace GeoAssign.Cli.Csv;

/// <summary>
/// Writes CSV records (UTF-8 without a byte-order mark, LF line ends). A field is quoted when it holds
/// a comma, a quote, a line break, or leading or trailing spaces; quotes inside are doubled. Not thread-safe.
/// </summary>
internal sealed class CsvWriter : IDisposable, IAsyncDisposable
{
    private readonly StreamWriter _writer;

    public CsvWriter(Stream stream)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
    }

    public void WriteRecord(params ReadOnlySpan<string?> fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                _writer.Write(',');
            }

            WriteField(fields[i] ?? "");
        }

        _writer.Write('\n');
    }

    private void WriteField(string field)
    {
        var needsQuotes = field.Length > 0 && (field[0] == ' ' || field[^1] == ' ' || field.AsSpan().IndexOfAny(",\"\r\n") >= 0);
        if (!needsQuotes)
        {
            _writer.Write(field);
            return;
        }

        _writer.Write('"');
        _writer.Write(field.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    public Task FlushAsync() => _writer.FlushAsync();

    public void Dispose() => _writer.Dispose();

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
