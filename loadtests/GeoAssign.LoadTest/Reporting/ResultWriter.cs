// The final table on the console, the JSON result and the Markdown summary.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GeoAssign.LoadTest.Measurement;
using Spectre.Console;

namespace GeoAssign.LoadTest.Reporting;

/// <summary>Writes a <see cref="RunResult"/> as a console table, JSON and Markdown.</summary>
internal static class ResultWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    internal const string MarkdownHeader =
        "| run | scenario | mode | concurrency | connections | rate/s | requests/s | points/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |\n" +
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n";

    public static string ToJson(RunResult result) => JsonSerializer.Serialize(result, Json);

    public static RunResult? FromJson(string json) => JsonSerializer.Deserialize<RunResult>(json, Json);

    /// <summary>The result as a table for people.</summary>
    public static void WriteTable(IAnsiConsole console, RunResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(result.Label)}[/]");
        table.AddColumn("measure");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("scenario", Markup.Escape($"{result.Scenario} ({result.Mode} loop{(result.Rate is { } rate ? FormattableString.Invariant($" at {rate:N0}/s") : "")})"));
        table.AddRow("targets × connections × concurrency", Markup.Escape($"{result.Targets.Count} × {result.Connections} × {result.Concurrency}"));
        table.AddRow("points", Markup.Escape(result.Points + (result.BatchSize is { } size ? $", {size:N0} per message" : "")));
        table.AddRow("duration (warm-up)", Invariant($"{result.DurationSeconds:0.#} s ({result.WarmupSeconds:0.#} s)"));
        table.AddRow("requests", Invariant($"{result.Requests:N0}"));
        table.AddRow("throughput", Invariant($"{result.RequestsPerSecond:N0} req/s") + (result.Items != result.Requests ? Invariant($", {result.ItemsPerSecond:N0} points/s") : ""));
        AddLatency(table, "latency", result.Latency);
        if (result.DispatchLag is { Count: > 0 } lag)
        {
            table.AddRow("dispatch lag p50 / p99 / max", Invariant($"{Ms(lag.P50Micros)} / {Ms(lag.P99Micros)} / {Ms(lag.MaxMicros)} ms"));
        }

        if (result.Unsent > 0)
        {
            table.AddRow("[red]unsent (overload)[/]", Invariant($"{result.Unsent:N0}"));
        }

        table.AddRow("errors", result.ErrorCount == 0 ? "0" : Markup.Escape(ErrorText(result.Errors)));
        if (result.EditLatency is { } edits)
        {
            AddLatency(table, "edit acknowledged", edits);
        }

        if (result.EditErrors is { Count: > 0 } editErrors)
        {
            table.AddRow("edit errors", Markup.Escape(ErrorText(editErrors)));
        }

        if (result.RedisRoundTrip is { } redis)
        {
            table.AddRow("Redis publish→receive p50 / p99", Invariant($"{Ms(redis.P50Micros)} / {Ms(redis.P99Micros)} ms"));
        }
        else if (result.RedisError is { } redisError)
        {
            table.AddRow("Redis publish→receive", Markup.Escape(redisError));
        }

        foreach (var phase in result.Phases ?? [])
        {
            AddLatency(table, Markup.Escape(phase.Name), phase.Latency, countFirst: true);
        }

        foreach (var note in result.Notes ?? [])
        {
            table.AddRow("note", Markup.Escape(note));
        }

        table.AddRow("machine", Markup.Escape($"{result.Machine.Cores} cores, {result.Machine.Cpu}, load {result.Machine.LoadAverage}"));
        console.Write(table);
    }

    /// <summary>One Markdown table row for the result.</summary>
    public static string MarkdownRow(RunResult result)
    {
        var latency = result.Latency;
        return Invariant(
            $"| {result.Label} | {result.Scenario} | {result.Mode} | {result.Concurrency} | {result.Connections} | {(result.Rate is { } rate ? rate.ToString("N0", CultureInfo.InvariantCulture) : "")} | {result.RequestsPerSecond:N0} | {result.ItemsPerSecond:N0} | {Ms(latency.P50Micros)} | {Ms(latency.P90Micros)} | {Ms(latency.P99Micros)} | {Ms(latency.P999Micros)} | {Ms(latency.MaxMicros)} | {(result.ErrorCount == 0 ? "0" : ErrorText(result.Errors))}{(result.Unsent > 0 ? $", {result.Unsent:N0} unsent" : "")} |\n");
    }

    /// <summary>Writes <paramref name="path"/> as a Markdown table with this run, or appends the run to the table already there.</summary>
    public static void AppendMarkdown(string path, RunResult result)
    {
        var text = new StringBuilder();
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            text.Append("# geoassign-load results\n\n");
            text.Append(Invariant($"Machine: {result.Machine.Cores} cores, {result.Machine.Cpu}, {result.Machine.Runtime}, load average at start {result.Machine.LoadAverage}.\n"));
            text.Append("Latency of closed loops runs from the send; of open loops from the intended send time.\n\n");
            text.Append(MarkdownHeader);
        }
        else if (!EndsWithRunRow(path))
        {
            // Notes or a step table follow the last run: a row of its own would not join the runs' table.
            text.Append('\n').Append(MarkdownHeader);
        }

        text.Append(MarkdownRow(result));
        if (result.EditLatency is { Count: > 0 } edits)
        {
            text.Append(Invariant($"\n{result.Label}: {edits.Count:N0} edits of {result.EditTerritory}, acknowledged p50 {Ms(edits.P50Micros)} ms, p99 {Ms(edits.P99Micros)} ms, max {Ms(edits.MaxMicros)} ms.\n"));
        }

        if (result.RedisRoundTrip is { } redis)
        {
            text.Append(Invariant($"\n{result.Label}: Redis publish→receive p50 {Ms(redis.P50Micros)} ms, p99 {Ms(redis.P99Micros)} ms.\n"));
        }

        if (result.Phases is { Count: > 0 } phases)
        {
            text.Append(Invariant($"\n{result.Label}, step by step:\n\n"));
            text.Append("| step | count | p50 ms | p90 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var phase in phases)
            {
                var l = phase.Latency;
                text.Append(Invariant($"| {phase.Name} | {l.Count:N0} | {Ms(l.P50Micros)} | {Ms(l.P90Micros)} | {Ms(l.P99Micros)} | {Ms(l.MaxMicros)} |\n"));
            }
        }

        if (result.Notes is { Count: > 0 } notes)
        {
            text.Append('\n');
            foreach (var note in notes)
            {
                text.Append(Invariant($"{result.Label}: {note}\n"));
            }
        }

        File.AppendAllText(path, text.ToString());
    }

    // Whether the file's last line is a row of the runs' table (as many columns as its header).
    private static bool EndsWithRunRow(string path)
    {
        var last = File.ReadLines(path).LastOrDefault(line => line.Length > 0) ?? "";
        var columns = MarkdownHeader[..MarkdownHeader.IndexOf('\n', StringComparison.Ordinal)].Count(c => c == '|');
        return last.StartsWith('|') && last.Count(c => c == '|') == columns;
    }

    public static void WriteJson(string path, RunResult result) => File.WriteAllText(path, ToJson(result) + "\n");

    /// <summary>Microseconds as milliseconds with three decimals.</summary>
    public static string Ms(long micros) => (micros / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    private static void AddLatency(Table table, string name, LatencySummary latency, bool countFirst = false) =>
        table.AddRow($"{name}{(countFirst ? " (count)" : "")} p50 / p90 / p99 / p99.9 / max",
            (countFirst ? Invariant($"({latency.Count:N0}) ") : "")
            + Invariant($"{Ms(latency.P50Micros)} / {Ms(latency.P90Micros)} / {Ms(latency.P99Micros)} / {Ms(latency.P999Micros)} / {Ms(latency.MaxMicros)} ms"));

    private static string ErrorText(IDictionary<string, long> errors) =>
        string.Join(", ", errors.Select(e => Invariant($"{e.Key} {e.Value:N0}")));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
