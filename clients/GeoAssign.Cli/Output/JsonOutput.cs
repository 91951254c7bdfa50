// JSON on stdout for scripts: snake_case names that stay stable, one document per command.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeoAssign.Cli.Output;

/// <summary>Writes the <c>--json</c> output. Field names are snake_case and part of the CLI's contract.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes one value as an indented JSON document and a newline.</summary>
    public static void Write(CliHost host, object value)
    {
        host.OutWriter.WriteLine(JsonSerializer.Serialize(value, Options));
        host.OutWriter.Flush();
    }

    /// <summary>
    /// Writes the elements as one indented JSON array, element by element as they arrive, so that a
    /// listing of millions never sits in memory; an empty listing is <c>[]</c>.
    /// </summary>
    public static async Task WriteArrayAsync<T>(CliHost host, IAsyncEnumerable<T> elements, Func<T, object> shape)
    {
        var writer = host.OutWriter;
        writer.Write('[');
        var first = true;
        await foreach (var element in elements.ConfigureAwait(false))
        {
            writer.Write(first ? "\n" : ",\n");
            writer.Write(JsonSerializer.Serialize(shape(element), Options).Replace("\n", "\n  ", StringComparison.Ordinal).Insert(0, "  "));
            first = false;
        }

        writer.WriteLine(first ? "]" : "\n]");
        writer.Flush();
    }

    /// <summary>Writes JSON text that is already JSON (attributes, geometries) as a value, not as a string.</summary>
    public static JsonElement? Raw(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
