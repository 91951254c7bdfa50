// Writes a GeoJSON output file all or nothing, like CsvOutputFile: to a temporary file beside it, renamed into place.
using System.Text.Json;

namespace GeoAssign.Cli.Commands;

/// <summary>Writes GeoJSON the server returned (one FeatureCollection, or several merged into one) to a file that appears only whole.</summary>
internal static class GeoJsonOutputFile
{
    /// <summary>Writes <paramref name="collections"/>' features, in order, as one FeatureCollection.</summary>
    public static async Task WriteAsync(FileInfo file, IEnumerable<string?> collections, CancellationToken cancellationToken)
    {
        if (file.Directory is { Exists: false } directory)
        {
            throw new CliInputException($"{file.FullName}: the folder {directory.FullName} does not exist.");
        }

        var temporary = Path.Combine(file.DirectoryName ?? ".", $".{file.Name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await using var writer = new Utf8JsonWriter(stream);
                writer.WriteStartObject();
                writer.WriteString("type", "FeatureCollection");
                writer.WriteStartArray("features");
                foreach (var text in collections)
                {
                    if (string.IsNullOrEmpty(text))
                    {
                        continue;
                    }

                    using var document = JsonDocument.Parse(text);
                    if (document.RootElement.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var feature in features.EnumerateArray())
                        {
                            feature.WriteTo(writer);
                        }
                    }

                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            File.Move(temporary, file.FullName, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new CliInputException($"{file.FullName}: cannot be written ({e.Message}).");
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Nothing more to do; the name marks it as temporary.
        }
    }
}
