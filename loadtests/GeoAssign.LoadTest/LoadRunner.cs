// One load run from settings to reports: points, connections, warm-up, measurement, results.
using System.Diagnostics;
using System.Text;
using GeoAssign.Client;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Points;
using GeoAssign.LoadTest.Reporting;
using GeoAssign.LoadTest.Scenarios;
using GeoAssign.Protos.V1;
using Spectre.Console;

namespace GeoAssign.LoadTest;

/// <summary>Runs one scenario with the given settings and writes its reports.</summary>
internal static class LoadRunner
{
    public static async Task<RunResult> RunAsync(LoadSettings settings, LoadTestHost host, CancellationToken cancellationToken)
    {
        var scenario = Scenario.Create(settings.Scenario);
        if (settings.OpenLoop && !scenario.SupportsOpenLoop)
        {
            throw new LoadTestInputException($"{settings.Scenario} runs closed loop only (its streams keep --stream-window messages in flight); leave out --rate.");
        }

        var machine = MachineInfo.Current();
        using var channels = new TargetChannels(settings);
        GeoPoint[] points = [];
        var pointsDescription = "none";
        if (scenario.UsesPoints)
        {
            var source = PointSources.Parse(settings, channels);
            points = source.Generate(settings.PointCount, settings.Seed);
            if (points.Length == 0)
            {
                throw new LoadTestInputException($"The point source {source.Description} gave no point.");
            }

            pointsDescription = $"{source.Description}, {points.Length:N0} points, seed {settings.Seed}";
        }

        var context = new ScenarioContext(settings, channels, points, line => host.Error.WriteLine(line));
        await scenario.PrepareAsync(context, cancellationToken).ConfigureAwait(false);

        var shape = settings.Shape;
        var runStart = Stopwatch.GetTimestamp();
        var byCount = scenario.RunsByCount;
        var measureStart = byCount ? runStart : runStart + (long)(shape.Warmup.TotalSeconds * Stopwatch.Frequency);
        var measureEnd = byCount ? long.MaxValue : measureStart + (long)(shape.Duration.TotalSeconds * Stopwatch.Frequency);
        var meter = new LoadMeter(measureStart, measureEnd);
        var startedAt = DateTimeOffset.UtcNow;

        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = new ProgressLine(host.ErrorWriter, host.Interactive, meter, runStart).RunAsync(stopProgress.Token);
        Scheduling.LoadDriverOutcome outcome;
        try
        {
            outcome = await scenario.RunAsync(context, meter, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopProgress.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        var seconds = byCount ? Math.Max(outcome.Elapsed.TotalSeconds, 1e-6) : shape.Duration.TotalSeconds;
        var result = new RunResult
        {
            Scenario = settings.Scenario,
            Label = settings.Label ?? settings.Scenario,
            Mode = settings.OpenLoop ? "open" : "closed",
            Targets = settings.Targets.Select(t => t.ToString().TrimEnd('/')).ToArray(),
            Connections = channels.Count,
            Concurrency = byCount ? 1 : shape.Concurrency,
            Rate = shape.Rate,
            WarmupSeconds = byCount ? 0 : shape.Warmup.TotalSeconds,
            DurationSeconds = seconds,
            Points = pointsDescription,
            BatchSize = settings.Scenario is "batch" or "stream" or "reassign" or "echo-stream" ? settings.BatchSize : null,
            Layer = settings.Layer,
            Requests = meter.Requests,
            Items = meter.Items,
            RequestsPerSecond = meter.Requests / seconds,
            ItemsPerSecond = meter.Items / seconds,
            Latency = LatencySummary.Of(meter.Latency.Snapshot()),
            DispatchLag = settings.OpenLoop ? LatencySummary.Of(meter.DispatchLag.Snapshot()) : null,
            Unsent = outcome.Unsent,
            ErrorCount = meter.Errors.Total,
            Errors = meter.Errors.ByStatus(),
            Machine = machine,
            StartedAt = startedAt,
        };
        scenario.Complete(result);

        ResultWriter.WriteTable(host.Out, result);
        if (settings.JsonPath is { } json)
        {
            ResultWriter.WriteJson(json, result);
        }

        if (settings.MarkdownPath is { } markdown)
        {
            ResultWriter.AppendMarkdown(markdown, result);
        }

        return result;
    }
}

/// <summary>Builds the point source of a run, fetching territories from the server for near-borders.</summary>
internal static class PointSources
{
    public static PointSource Parse(LoadSettings settings, TargetChannels channels)
    {
        try
        {
            return PointSource.Parse(settings.PointsSpec, new PointSourceSettings(settings.CitiesFile, settings.BorderMetres,
                () => FetchGeoJsonAsync(channels, settings.Layer, CancellationToken.None)));
        }
        catch (FormatException e)
        {
            throw new LoadTestInputException($"--points: {e.Message}");
        }
    }

    /// <summary>The layer's territories (every layer when empty) as a GeoJSON FeatureCollection, read page by page.</summary>
    public static async Task<string> FetchGeoJsonAsync(TargetChannels channels, string layer, CancellationToken cancellationToken)
    {
        var client = new TerritoryService.TerritoryServiceClient(channels.ForTarget(0));
        var text = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        var first = true;
        var token = "";
        do
        {
            var page = await client.ListTerritoriesAsync(new ListTerritoriesRequest
            {
                Layer = layer,
                IncludeGeometry = true,
                PageSize = 1000,
                PageToken = token,
            }, channels.Unary(cancellationToken)).ConfigureAwait(false);
            foreach (var territory in page.Territories)
            {
                text.Append(first ? "" : ",").Append("{\"type\":\"Feature\",\"geometry\":").Append(territory.GeometryGeojson).Append('}');
                first = false;
            }

            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return text.Append("]}").ToString();
    }
}

/// <summary>A problem with the command line or its input files: reported as such, exit code 1.</summary>
internal sealed class LoadTestInputException(string message) : Exception(message);
