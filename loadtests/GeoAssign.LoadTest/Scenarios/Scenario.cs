// A load scenario: what one operation is, and how a run of it is driven.
using GeoAssign.Client;
using GeoAssign.LoadTest.Measurement;
using GeoAssign.LoadTest.Points;
using GeoAssign.LoadTest.Scheduling;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>What a scenario works with during a run.</summary>
/// <param name="Settings">The run's settings.</param>
/// <param name="Channels">The connections.</param>
/// <param name="Points">The points, drawn once before the run; operations cycle through them.</param>
/// <param name="Log">Writes a line of setup information (to stderr).</param>
internal sealed record ScenarioContext(LoadSettings Settings, TargetChannels Channels, GeoPoint[] Points, Action<string> Log)
{
    /// <summary>Where worker <paramref name="worker"/> starts in <see cref="Points"/>, so that workers do not send the same points in step.</summary>
    public int StartIndex(int worker) => (int)((long)worker * Points.Length / Math.Max(1, Settings.Shape.Concurrency));
}

/// <summary>One of the tool's scenarios (resolve, batch, stream, ...).</summary>
internal abstract class Scenario
{
    /// <summary>Whether the scenario runs at a fixed request rate when --rate is given.</summary>
    public virtual bool SupportsOpenLoop => true;

    /// <summary>Whether the scenario sends the run's points (and so needs them drawn).</summary>
    public virtual bool UsesPoints => true;

    /// <summary>
    /// Whether the scenario runs a number of operations it counts itself (and warms up itself)
    /// instead of for --warmup and --duration seconds: everything it records counts, and the
    /// reported duration is the time it took.
    /// </summary>
    public virtual bool RunsByCount => false;

    /// <summary>Work before the load starts (sizes of reference messages, the territory to edit, ...).</summary>
    public virtual Task PrepareAsync(ScenarioContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs the load; <paramref name="meter"/> counts what happens inside its window.</summary>
    public abstract Task<LoadDriverOutcome> RunAsync(ScenarioContext context, LoadMeter meter, CancellationToken cancellationToken);

    /// <summary>Adds what only this scenario measures (edit latency, convergence, ...) to the result.</summary>
    public virtual void Complete(Reporting.RunResult result)
    {
    }

    /// <summary>The scenario named <paramref name="name"/>.</summary>
    public static Scenario Create(string name) => name switch
    {
        "resolve" => new ResolveScenario(),
        "batch" => new BatchScenario(),
        "stream" => new StreamScenario(),
        "reassign" => new ReassignScenario(),
        "echo" => new EchoScenario(),
        "echo-stream" => new EchoStreamScenario(),
        "mixed" => new MixedScenario(),
        "converge" => new ConvergeScenario(),
        "activate" => new ActivateScenario(),
        "history" => new HistoryScenario(),
        _ => throw new ArgumentException($"Unknown scenario \"{name}\".", nameof(name)),
    };

    /// <summary>The scenarios, in the order the help lists them.</summary>
    public static readonly string[] Names = ["resolve", "batch", "stream", "reassign", "echo", "echo-stream", "mixed", "converge", "activate", "history"];
}
