// What the streamed row imports (override CSV, postal codes) share: the file check, the upload with progress, bad rows listed.
using GeoAssign.Cli.Output;
using GeoAssign.Client;

namespace GeoAssign.Cli.Commands;

/// <summary>The common steps of <c>overrides import</c> and <c>gazetteer import</c>. Stateless.</summary>
internal static class RowImport
{
    /// <summary>The file, which must exist.</summary>
    /// <exception cref="CliInputException">It does not.</exception>
    public static FileInfo Existing(FileInfo path) => path.Exists ? path : throw new CliInputException($"{path.FullName}: no such file.");

    /// <summary>
    /// Runs an upload of <paramref name="path"/> under a progress bar of the bytes sent, then a status line
    /// while the server checks every row and stores them.
    /// </summary>
    public static Task<T> UploadAsync<T>(CliHost host, FileInfo path, Func<IProgress<long>, Task<T>> upload)
    {
        long sent = 0;
        return new RowProgress(() => Interlocked.Read(ref sent), bytes: true).RunAsync(host.Error, $"Uploading {path.Name}", path.Length,
            () => Interlocked.Read(ref sent),
            () => upload(new ImportCommand.Progress(bytes => Interlocked.Exchange(ref sent, bytes))),
            "Server checking every row and storing");
    }

    /// <summary>
    /// The server names every bad row as "line N: problem" after a first line that counts them; this prints
    /// them under the file's name, one a line, so that they read like a compiler's errors. Null when the
    /// message is not such a list.
    /// </summary>
    public static string? BadRows(GeoAssignException error, FileInfo file)
    {
        var lines = error.ServerMessage.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2 || !lines[1].StartsWith("line ", StringComparison.Ordinal))
        {
            return null;
        }

        return $"{file.Name}: {lines[0]}" + string.Concat(lines.Skip(1).Select(line => $"\n  {file.Name} {line}"));
    }
}
