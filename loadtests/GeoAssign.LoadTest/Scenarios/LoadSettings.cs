// Everything a load run is told on the command line, validated.
using GeoAssign.LoadTest.Scheduling;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>The validated settings of one load run. Immutable.</summary>
internal sealed record LoadSettings
{
    public required string Scenario { get; init; }

    public required IReadOnlyList<Uri> Targets { get; init; }

    /// <summary>HTTP/2 connections (one GrpcChannel each), spread round-robin over the targets.</summary>
    public required int Connections { get; init; }

    public required LoadShape Shape { get; init; }

    public string Layer { get; init; } = "";

    public string? ApiKey { get; init; }

    public required string PointsSpec { get; init; }

    public int PointCount { get; init; } = 100_000;

    public int Seed { get; init; } = 1;

    public string CitiesFile { get; init; } = Points.PointSourceSettings.DefaultCitiesFile;

    public double BorderMetres { get; init; } = 10;

    /// <summary>Points per ResolveBatch call, ResolveStream message or Reassign call.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>ResolveStream / EchoStream messages each stream keeps in flight.</summary>
    public int StreamWindow { get; init; } = 4;

    /// <summary>Deadline of each call; <see langword="null"/> sends none.</summary>
    public TimeSpan? CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>mixed and converge: edits per second.</summary>
    public double EditRate { get; init; } = 1;

    /// <summary>mixed and converge: the territory whose border moves back and forth; chosen automatically when null.</summary>
    public string? EditTerritory { get; init; }

    /// <summary>converge: how long an edit may take to reach every replica before it counts as a failure.</summary>
    public TimeSpan ConvergeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>converge: a Redis connection string to measure the raw pub/sub round trip beside convergence.</summary>
    public string? Redis { get; init; }

    public int RedisSamples { get; init; } = 1000;

    /// <summary>activate: the activations measured, after <see cref="WarmupActivations"/> that are not.</summary>
    public int Activations { get; init; } = 30;

    public int WarmupActivations { get; init; } = 2;

    /// <summary>activate: the share of the layer's territories each plan changes.</summary>
    public double ChangeShare { get; init; } = 0.1;

    /// <summary>activate: how many of those changes are moved borders (two territories each); the rest get another owner.</summary>
    public int BorderMoves { get; init; } = 30;

    /// <summary>history: the past version compared with the live map; null takes the newest past version.</summary>
    public ulong? MapVersion { get; init; }

    /// <summary>history: past versions whose first lookup (one index build each) is timed.</summary>
    public int FirstLookups { get; init; } = 3;

    /// <summary>A label for the reports (e.g. "unary c=2"); the scenario name when null.</summary>
    public string? Label { get; init; }

    public string? JsonPath { get; init; }

    public string? MarkdownPath { get; init; }

    /// <summary>Whether the operation loop runs at a fixed rate (open loop).</summary>
    public bool OpenLoop => Shape.Rate is not null;
}
