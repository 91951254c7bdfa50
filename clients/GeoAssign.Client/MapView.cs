// Which map a lookup answers from: the live map, a plan, or the live map as it was.
namespace GeoAssign.Client;

/// <summary>
/// Which map a lookup (<see cref="GeoAssignClient.ResolveAsync(double, double, string?, MapView, CancellationToken)"/>,
/// ResolveMany, Reassign) answers from: the live map as it is (<see cref="Live"/>), a plan
/// (<see cref="ForPlan"/>), or the live map as it was at a version (<see cref="AtVersion"/>) or at an instant
/// (<see cref="AtTime"/>). At most one of <see cref="Plan"/>, <see cref="Version"/> and <see cref="AsOf"/> is
/// set, as the API allows. Immutable and thread-safe.
/// </summary>
public sealed record MapView
{
    private MapView()
    {
    }

    /// <summary>The live map as it is: what lookups answer from by default.</summary>
    public static MapView Live { get; } = new();

    /// <summary>The plan to answer from; <see langword="null"/> unless made by <see cref="ForPlan"/>.</summary>
    public string? Plan { get; private init; }

    /// <summary>The past version of the live map to answer from; <see langword="null"/> unless made by <see cref="AtVersion"/>.</summary>
    public ulong? Version { get; private init; }

    /// <summary>The instant to answer as of (the last live version at or before it); <see langword="null"/> unless made by <see cref="AtTime"/>.</summary>
    public DateTimeOffset? AsOf { get; private init; }

    /// <summary>True for <see cref="Live"/>.</summary>
    public bool IsLive => Plan is null && Version is null && AsOf is null;

    /// <summary>A plan (see PlanService), to test it before it goes live; answers carry the plan's version.</summary>
    /// <param name="plan">The plan's name.</param>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    public static MapView ForPlan(string plan)
    {
        ArgumentException.ThrowIfNullOrEmpty(plan);
        return new MapView { Plan = plan };
    }

    /// <summary>The live map as it was at <paramref name="version"/> (within the history the server keeps).</summary>
    /// <param name="version">A version of the live map, 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">The version is 0 (the API reads 0 as "not set").</exception>
    public static MapView AtVersion(ulong version)
    {
        ArgumentOutOfRangeException.ThrowIfZero(version);
        return new MapView { Version = version };
    }

    /// <summary>The live map as it was at <paramref name="instant"/>: the last version whose time is at or before it.</summary>
    /// <param name="instant">The instant.</param>
    public static MapView AtTime(DateTimeOffset instant) => new() { AsOf = instant };

    /// <summary>"live map", "plan fy27", "version 42" or "as of 2027-01-01T00:00:00Z".</summary>
    public override string ToString() => Plan is not null ? $"plan {Plan}"
        : Version is { } version ? $"version {version}"
        : AsOf is { } instant ? "as of " + instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture)
        : "live map";
}
