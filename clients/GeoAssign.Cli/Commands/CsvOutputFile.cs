// Writes an output CSV file all or nothing: to a temporary file beside it, renamed into place at the end.
using GeoAssign.Cli.Csv;

namespace GeoAssign.Cli.Commands;

/// <summary>
/// An output CSV file that appears only when the run succeeds: a failed or cancelled run leaves no
/// half-written file behind (and an existing file untouched). Not thread-safe.
/// </summary>
internal sealed class CsvOutputFile : IAsyncDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private bool _committed;

    private CsvOutputFile(string path, string temporary, CsvRecordWriter writer)
    {
        _path = path;
        _temporary = temporary;
        Writer = writer;
    }

    public CsvRecordWriter Writer { get; }

    public static CsvOutputFile Create(FileInfo file, params ReadOnlySpan<string?> header)
    {
        if (file.Directory is { Exists: false } directory)
        {
            throw new CliInputException($"{file.FullName}: the folder {directory.FullName} does not exist.");
        }

        var temporary = Path.Combine(file.DirectoryName ?? ".", $".{file.Name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        FileStream stream;
        try
        {
            stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{file.FullName}: cannot be written ({e.Message}).");
        }

        var output = new CsvOutputFile(file.FullName, temporary, new CsvRecordWriter(stream));
        output.Writer.WriteRecord(header);
        return output;
    }

    /// <summary>Flushes the file and moves it into place.</summary>
    public async Task CommitAsync()
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        File.Move(_temporary, _path, overwrite: true);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_committed)
        {
            return;
        }

        await Writer.DisposeAsync().ConfigureAwait(false);
        try
        {
            File.Delete(_temporary);
        }
        catch (IOException)
        {
            // Nothing more to do; the name marks it as temporary.
        }
    }
}
