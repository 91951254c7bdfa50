// A progress display for CSV runs: share of the input read, rows done and the rate.
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace GeoAssign.Cli.Output;

/// <summary>
/// Counts rows (or bytes, for uploads) for a progress bar, shown on stderr only when it is a terminal.
/// The bar follows the bytes of input read; the text gives rows done and rows per second. Counters
/// are updated from the worker and read by the renderer, so they are atomic.
/// </summary>
internal sealed class RowProgress(Func<long>? rows = null, bool bytes = false)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _rows;

    /// <summary>Whether the counter holds bytes (an upload) rather than rows.</summary>
    public bool CountsBytes { get; } = bytes;

    /// <summary>Rows done: from the counter given at construction, else the sum of <see cref="Add"/>.</summary>
    public long Rows => rows?.Invoke() ?? Interlocked.Read(ref _rows);

    public TimeSpan Elapsed => _clock.Elapsed;

    public double RowsPerSecond => Rows / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);

    public void Add(long rows) => Interlocked.Add(ref _rows, rows);

    /// <summary>
    /// Runs <paramref name="work"/> under a progress bar on <paramref name="console"/> that follows
    /// <paramref name="position"/> out of <paramref name="total"/>. When <paramref name="afterwards"/> is
    /// given, a second, indeterminate line with that text appears once everything is sent and the work
    /// still runs (an import the server is validating and indexing), so a long wait does not look stuck.
    /// When <paramref name="totalNow"/> is given, the total follows it (a listing learns it from its first page).
    /// </summary>
    public async Task<T> RunAsync<T>(IAnsiConsole console, string description, long total, Func<long> position, Func<Task<T>> work, string? afterwards = null,
        Func<long>? totalNow = null)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            // Logs and pipes get the summary at the end, not a stream of progress lines.
            return await work().ConfigureAwait(false);
        }

        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentColumn(), new RateColumn(this), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total));
                ProgressTask? waiting = null;
                var gate = new Lock();
                var timer = new Timer(_ =>
                {
                    if (totalNow is not null && totalNow() is > 0 and var known && known != total)
                    {
                        total = known;
                        task.MaxValue = known;
                    }

                    var done = Math.Min(position(), total);
                    task.Value = done;
                    lock (gate)
                    {
                        if (afterwards is not null && waiting is null && done >= total)
                        {
                            waiting = context.AddTask(Markup.Escape(afterwards), autoStart: true, maxValue: 1);
                            waiting.IsIndeterminate = true;
                        }
                    }
                }, null, 0, 100);
                try
                {
                    result = await work().ConfigureAwait(false);
                }
                finally
                {
                    // Waits for a running tick, so none comes after the lines are finished below.
                    await timer.DisposeAsync().ConfigureAwait(false);
                }

                task.Value = Math.Max(1, total);
                if (waiting is not null)
                {
                    waiting.IsIndeterminate = false;
                    waiting.Value = 1;
                }
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>The share done, as Spectre's percentage column, but blank on a line that waits (indeterminate).</summary>
    private sealed class PercentColumn : ProgressColumn
    {
        private readonly PercentageColumn _percentage = new();

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            task.IsIndeterminate ? new Text("    ") : _percentage.Render(options, task, deltaTime);
    }

    /// <summary>"1,234,567 rows · 98,765 rows/s", or "12.5 MiB · 3.1 MiB/s" for bytes; blank on a line that waits.</summary>
    private sealed class RateColumn(RowProgress progress) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => task.IsIndeterminate ? Text.Empty : new Text(progress.CountsBytes
            ? $"{TextFormat.Bytes(progress.Rows)} · {TextFormat.Bytes((long)progress.RowsPerSecond)}/s"
            : string.Create(CultureInfo.InvariantCulture, $"{progress.Rows:N0} rows · {progress.RowsPerSecond:N0} rows/s"), new Style(Color.Grey));
    }
}
