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

    /// <summary>Writes JSON text that is already JSON (attributes, geometries) as a value, not as a string.</summary>
    public static JsonElement? Raw(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
