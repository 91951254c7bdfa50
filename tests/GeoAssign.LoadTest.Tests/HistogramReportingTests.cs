// Latency recording and the percentiles, tables and files the reports are made of.
using GeoAssign.LoadTest.Measurement;
using HdrHistogram;
using GeoAssign.LoadTest.Reporting;
using Grpc.Core;

namespace GeoAssign.LoadTest.Tests;

public sealed class HistogramReportingTests
{
    [Fact]
    public void Percentiles_are_read_within_the_histograms_precision()
    {
        var recorder = new LatencyRecorder();
        for (var micros = 1; micros <= 10_000; micros++)
        {
            recorder.RecordMicros(micros);
        }

        var summary = LatencySummary.Of(recorder.Snapshot());

        Assert.Equal(10_000, summary.Count);
        // Three significant digits: within 0.1 % of the exact order statistic.
        Assert.InRange(summary.P50Micros, 4_995, 5_005);
        Assert.InRange(summary.P90Micros, 8_991, 9_009);
        Assert.InRange(summary.P99Micros, 9_890, 9_910);
        Assert.InRange(summary.P999Micros, 9_980, 10_010);
        Assert.InRange(summary.MaxMicros, 10_000, 10_010);
        Assert.InRange(summary.MeanMicros, 4_995, 5_006);
    }

    [Fact]
    public async Task Recording_from_many_threads_loses_nothing_and_intervals_add_up_to_the_total()
    {
        var recorder = new LatencyRecorder();
        long intervalTotal = 0;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                intervalTotal += recorder.TakeInterval().TotalCount;
                await Task.Yield();
            }
        });
        var writers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                recorder.RecordMicros(100 + t);
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await reader;
        intervalTotal += recorder.TakeInterval().TotalCount;

        Assert.Equal(200_000, intervalTotal);
        Assert.Equal(200_000, recorder.Snapshot().TotalCount);
    }

    [Fact]
    public void Values_outside_the_range_are_clamped_not_lost()
    {
        var recorder = new LatencyRecorder();
        recorder.RecordMicros(0);
        recorder.RecordMicros(-5);
        recorder.RecordMicros(long.MaxValue);

        var histogram = recorder.Snapshot();

        Assert.Equal(3, histogram.TotalCount);
        Assert.Equal(2, histogram.GetCountAtValue(1));
        Assert.True(histogram.GetMaxValue() >= LatencyRecorder.HighestMicros);
    }

    [Fact]
    public void Reset_forgets_the_warm_up()
    {
        var recorder = new LatencyRecorder();
        recorder.RecordMicros(5_000_000);
        recorder.Reset();
        recorder.RecordMicros(100);

        var summary = LatencySummary.Of(recorder.Snapshot());

        Assert.Equal(1, summary.Count);
        Assert.InRange(summary.MaxMicros, 100, 101);
    }

    [Fact]
    public void Millisecond_samples_become_microsecond_percentiles()
    {
        var summary = LatencySummary.OfMilliseconds(Enumerable.Range(1, 100).Select(i => i * 0.1));

        Assert.Equal(100, summary.Count);
        Assert.InRange(summary.P50Micros, 4_990, 5_010);
        Assert.InRange(summary.P99Micros, 9_890, 9_910);
    }

    [Fact]
    public void Errors_are_counted_by_status_name()
    {
        var errors = new ErrorCounts();
        errors.Add(StatusCode.Unavailable);
        errors.Add(StatusCode.Unavailable);
        errors.Add(StatusCode.DeadlineExceeded);

        Assert.Equal(3, errors.Total);
        Assert.Equal(new Dictionary<string, long> { ["DeadlineExceeded"] = 1, ["Unavailable"] = 2 }, errors.ByStatus());
        Assert.Equal(StatusCode.Cancelled, ErrorCounts.CodeOf(new OperationCanceledException()));
    }

    [Fact]
    public void The_json_result_reads_back_and_the_markdown_table_grows_a_row_per_run()
    {
        var result = Result("unary c=2", p99Micros: 1_234);
        var path = Path.Combine(Path.GetTempPath(), $"geoassign-load-{Guid.NewGuid():N}.md");
        try
        {
            ResultWriter.AppendMarkdown(path, result);
            ResultWriter.AppendMarkdown(path, Result("unary c=8", p99Micros: 4_321));
            var markdown = File.ReadAllText(path);

            Assert.StartsWith("# geoassign-load results", markdown, StringComparison.Ordinal);
            Assert.Equal(1, CountOf(markdown, "| run | scenario |"));
            Assert.Contains("| unary c=2 | resolve | closed | 2 | 2 |  | 12,345 | 12,345 | 0.500 | 0.900 | 1.234 |", markdown, StringComparison.Ordinal);
            Assert.Contains("| unary c=8 |", markdown, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        var back = ResultWriter.FromJson(ResultWriter.ToJson(result))!;
        Assert.Equal(result.Latency, back.Latency);
        Assert.Equal(result.Errors, back.Errors);
        Assert.Equal(12_345, back.RequestsPerSecond);
    }

    [Fact]
    public void Steps_and_notes_follow_the_run_in_markdown_and_the_next_run_opens_a_new_table()
    {
        var activate = Result("activate, 3 replicas", p99Micros: 7_000);
        activate.Phases = [new PhaseLatency("ActivatePlan call", new LatencySummary(30, 1_500_000, 1_400_000, 1_900_000, 2_100_000, 2_100_000, 2_200_000))];
        activate.Notes = ["each plan changes 323 of them"];
        var path = Path.Combine(Path.GetTempPath(), $"geoassign-load-{Guid.NewGuid():N}.md");
        try
        {
            ResultWriter.AppendMarkdown(path, activate);
            ResultWriter.AppendMarkdown(path, Result("history, 3 replicas", p99Micros: 900));
            var lines = File.ReadAllLines(path);

            Assert.Contains("| ActivatePlan call | 30 | 1400.000 | 1900.000 | 2100.000 | 2200.000 |", lines);
            Assert.Contains("activate, 3 replicas: each plan changes 323 of them", lines);
            // The second run's row sits under a header of its own, not in the step table above it.
            var second = Array.FindIndex(lines, line => line.StartsWith("| history, 3 replicas |", StringComparison.Ordinal));
            Assert.StartsWith("| --- | --- |", lines[second - 1], StringComparison.Ordinal);
            Assert.StartsWith("| run | scenario |", lines[second - 2], StringComparison.Ordinal);
            Assert.Equal(2, CountOf(File.ReadAllText(path), "| run | scenario |"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static RunResult Result(string label, long p99Micros) => new()
    {
        Scenario = "resolve",
        Label = label,
        Mode = "closed",
        Targets = ["http://127.0.0.1:5080"],
        Connections = 2,
        Concurrency = 2,
        Points = "uniform",
        Requests = 123_450,
        Items = 123_450,
        RequestsPerSecond = 12_345,
        ItemsPerSecond = 12_345,
        DurationSeconds = 10,
        Latency = new LatencySummary(123_450, 600, 500, 900, p99Micros, 2_000, 9_000),
        Errors = new SortedDictionary<string, long> { ["Unavailable"] = 2 },
        ErrorCount = 2,
        Machine = new MachineInfo(2, "test CPU", "0.10 0.20 0.30", ".NET", "Linux"),
    };
}
