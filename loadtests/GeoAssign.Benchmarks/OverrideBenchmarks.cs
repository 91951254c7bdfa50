// What an account id adds to a lookup: the index lookup alone beside the lookup plus the override check.
using BenchmarkDotNet.Attributes;
using GeoAssign.H3;
using GeoAssign.Index;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Model;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Single-thread lookups on the US counties with 1,000,000 account overrides loaded
/// (<see cref="OverrideSets"/>, applied through <see cref="TerritoryMapWriter"/> like any change). Each
/// invocation looks up the <see cref="IndexBenchmarks.PointCount"/> benchmark points; the account
/// methods do per point what the server's ChunkResolver does — the index lookup, then
/// <see cref="OverrideBook.TryGetInForce"/> — with account ids that are their own string instances
/// (as parsed from a request, so the dictionary compares characters, not references):
/// <list type="bullet">
/// <item><see cref="Lookup"/>: the lookup alone (the Ratio baseline, the goal's "one without");</item>
/// <item><see cref="AccountInForce"/>: every account has an override in force;</item>
/// <item><see cref="AccountWithout"/>: no account has an override (the common case);</item>
/// <item>the <c>Spread</c> forms: the same, but each invocation takes the next 4,096 of 1,000,000
/// distinct accounts, so the book's entries are not in the CPU caches (the first two reuse 4,096
/// accounts, whose entries stay cached, as a hot account list would).</item>
/// </list>
/// </summary>
/// <remarks>BenchmarkDotNet needs benchmark classes to be public and unsealed. Every case runs in its own process.</remarks>
[MemoryDiagnoser]
public class OverrideBenchmarks
{
    public const int OverrideCount = 1_000_000;

    private const int PointCount = IndexBenchmarks.PointCount;

    private LatLng[] _points = [];
    private LayerIndex? _layer;
    private OverrideBook _book = OverrideBook.Empty;
    private long _ticks;
    private string[] _inForce = [];
    private string[] _without = [];
    private string[] _inForceSpread = [];
    private string[] _withoutSpread = [];
    private int _offset;

    [ParamsAllValues]
    public PointMix Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dataset = IndexDataset.UsCounties;
        _points = dataset.Points(Points, PointCount);
        var territoryIds = dataset.Territories.Select(t => t.Id).ToArray();
        var overrides = OverrideSets.Generate(OverrideCount, territoryIds, freshStrings: true);
        var map = new TerritoryMapWriter().Apply(new MapChange(1, dataset.Territories, []) { OverrideUpserts = overrides });
        _layer = map.Layers[Territory.DefaultLayer];
        _book = map.Overrides;
        _ticks = OverrideSets.Now.UtcTicks;
        if (_book.Count != OverrideCount)
        {
            throw new InvalidOperationException($"The book holds {_book.Count} overrides, not {OverrideCount}.");
        }

        // Every id a fresh instance: a request's ids never share the book's.
        var random = new Random(20261203);
        var inForce = overrides.Where(o => o.InForceAt(_ticks)).Select(o => OverrideSets.Copy(o.AccountId)).ToArray();
        random.Shuffle(inForce);
        _inForce = inForce[..PointCount];
        _inForceSpread = inForce;
        _withoutSpread = Enumerable.Range(OverrideCount, OverrideCount).Select(OverrideSets.AccountId).ToArray();
        random.Shuffle(_withoutSpread);
        _without = _withoutSpread[..PointCount].Select(OverrideSets.Copy).ToArray();
        if (!_inForce.All(id => _book.TryGetInForce(id, _ticks, out _)) || _without.Any(id => _book.TryGet(id, out _)))
        {
            throw new InvalidOperationException("The account ids do not have the overrides they are meant to have.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PointCount)]
    public int Lookup()
    {
        var layer = _layer!;
        var acc = 0;
        foreach (var point in _points)
        {
            var result = layer.Resolve(point.Lat, point.Lng);
            acc += (int)result.Reason + (result.Territory is null ? 0 : 4);
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int AccountInForce() => WithAccounts(_inForce, 0);

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int AccountWithout() => WithAccounts(_without, 0);

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int AccountInForceSpread() => WithAccounts(_inForceSpread, NextOffset(_inForceSpread.Length));

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int AccountWithoutSpread() => WithAccounts(_withoutSpread, NextOffset(_withoutSpread.Length));

    // The next slice of PointCount accounts of a spread list, wrapping round.
    private int NextOffset(int length)
    {
        var offset = _offset;
        _offset = offset + 2 * PointCount > length ? 0 : offset + PointCount;
        return offset;
    }

    // Per point as ChunkResolver: the index lookup, then the override in force (an empty id has none).
    private int WithAccounts(string[] accounts, int offset)
    {
        var layer = _layer!;
        var book = _book;
        var ticks = _ticks;
        var points = _points;
        var acc = 0;
        for (var i = 0; i < points.Length; i++)
        {
            var result = layer.Resolve(points[i].Lat, points[i].Lng);
            var account = accounts[offset + i];
            if (account.Length != 0 && book.TryGetInForce(account, ticks, out var entry))
            {
                acc += entry.OwnerId.Length + (result.Territory is null ? 0 : 4);
                continue;
            }

            acc += (int)result.Reason + (result.Territory is null ? 0 : 4);
        }

        return acc;
    }
}
