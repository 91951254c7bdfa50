// What finding the version of an as-of or version lookup costs as the history grows.
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;

namespace GeoAssign.Benchmarks;

/// <summary>
/// A lookup with <c>as_of</c> or <c>version</c> first finds its version in the live map's history
/// (<see cref="MapState.History"/>, up to GeoAssign:History:KeepChanges entries, 10,000 by default)
/// before it reaches the cached index: <see cref="MapState.LiveVersionAt"/> for an instant, and the
/// check that a version is one of the live map's (as the server's MapReader makes it) for a version.
/// Both walk the history, so they are timed over histories of 30 and 10,000 versions, asking for the
/// newest past version (the usual case) and the oldest.
/// </summary>
/// <remarks>BenchmarkDotNet needs benchmark classes to be public and unsealed. Single-threaded.</remarks>
[MemoryDiagnoser]
[ShortRunJob]
public class HistoryBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private MapState _state = MapState.Empty;
    private DateTimeOffset _instant;
    private long _version;

    [Params(30, 10_000)]
    public int Versions { get; set; }

    [Params("newest", "oldest")]
    public string Asked { get; set; } = "newest";

    [GlobalSetup]
    public void Setup()
    {
        var history = ImmutableList.CreateRange(Enumerable.Range(1, Versions)
            .Select(v => new LiveVersionInfo(v, new ChangeInfo(Start.AddMinutes(v)), 1, 0, null)));
        _state = new MapState(Versions, TerritoryMap.Empty, ImmutableSortedDictionary.Create<string, PlanBranch>(StringComparer.Ordinal), history);
        _version = Asked == "newest" ? Versions - 1 : 1;
        _instant = Start.AddMinutes(_version).AddSeconds(30);
    }

    [Benchmark]
    public long? AsOf() => _state.LiveVersionAt(_instant);

    [Benchmark]
    public bool VersionIsLive()
    {
        var target = _version;
        return target == _state.Live.Version || _state.History.Exists(entry => entry.Version == target);
    }
}
