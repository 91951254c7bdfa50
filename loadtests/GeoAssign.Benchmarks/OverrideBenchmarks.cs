// What an account id adds to a lookup: the index lookup alone beside the lookup plus the override check.
using System.Globalization;
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
/// methods do per point what the server's ChunkResolver does — <see cref="OverrideBook.Prefetch(string, ulong, int)"/> of
/// the accounts ahead (each hashed once), the index lookup, then <see cref="OverrideBook.TryFindInForce(string, ulong, long, out InForceOverride)"/> — with account ids that are their own string instances
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
    private int _inForceOffset;
    private int _withoutOffset;

    [ParamsAllValues]
    public PointMix Points { get; set; }

    /// <summary>
    /// Overrides of other accounts set one change after the million, so that they wait in the book's
    /// changes beside its base (none in the BenchmarkDotNet run: the book as an import or fold leaves it).
    /// </summary>
    public int PendingChanges { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dataset = IndexDataset.UsCounties;
        _points = dataset.Points(Points, PointCount);
        var territoryIds = dataset.Territories.Select(t => t.Id).ToArray();
        var overrides = OverrideSets.Generate(OverrideCount, territoryIds, freshStrings: true);
        var writer = new TerritoryMapWriter();
        var map = writer.Apply(new MapChange(1, dataset.Territories, []) { OverrideUpserts = overrides });
        if (PendingChanges > 0)
        {
            var pending = OverrideSets.Generate(PendingChanges, territoryIds, freshStrings: true, seed: 15)
                .Select(o => o with { AccountId = OverrideSets.AccountId(2 * OverrideCount + int.Parse(o.AccountId.AsSpan(4), CultureInfo.InvariantCulture)) })
                .ToArray();
            map = writer.Apply(new MapChange(2, [], []) { OverrideUpserts = pending });
        }

        _layer = map.Layers[Territory.DefaultLayer];
        _book = map.Overrides;
        _ticks = OverrideSets.Now.UtcTicks;
        if (_book.Count != OverrideCount + PendingChanges)
        {
            throw new InvalidOperationException($"The book holds {_book.Count} overrides, not {OverrideCount + PendingChanges}.");
        }

        // Every id a fresh instance, copied in the order it is read: a request's ids never share the
        // book's, and lie one after the other in memory as the request's parser allocated them.
        var random = new Random(20261203);
        var inForce = overrides.Where(o => o.InForceAt(_ticks)).Select(o => o.AccountId).ToArray();
        random.Shuffle(inForce);
        _inForceSpread = inForce.Select(OverrideSets.Copy).ToArray();
        _inForce = _inForceSpread[..PointCount];
        var without = Enumerable.Range(OverrideCount, OverrideCount).ToArray();
        random.Shuffle(without);
        _withoutSpread = without.Select(OverrideSets.AccountId).ToArray();
        _without = _withoutSpread[..PointCount];
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
    public int AccountInForceSpread() => WithAccounts(_inForceSpread, NextOffset(ref _inForceOffset, _inForceSpread.Length));

    [Benchmark(OperationsPerInvoke = PointCount)]
    public int AccountWithoutSpread() => WithAccounts(_withoutSpread, NextOffset(ref _withoutOffset, _withoutSpread.Length));

    // The next slice of PointCount accounts of a spread list (each list its own offset), wrapping round.
    private static int NextOffset(ref int next, int length)
    {
        var offset = next;
        next = offset + 2 * PointCount > length ? 0 : offset + PointCount;
        return offset;
    }

    // Per point as ChunkResolver: each account hashed once, PrefetchDistance points ahead; the override
    // reads of the accounts ahead started (OverrideBook.Prefetch), the index lookup, then the override
    // in force (an empty id has none).
    private int WithAccounts(string[] accounts, int offset)
    {
        var layer = _layer!;
        var book = _book;
        var ticks = _ticks;
        var points = _points;
        var acc = 0;
        Span<ulong> hashes = stackalloc ulong[8];
        for (var ahead = 0; ahead < OverrideBook.PrefetchDistance; ahead++)
        {
            hashes[ahead] = OverrideBook.HashOf(accounts[offset + ahead]);
            book.Prefetch(accounts[offset + ahead], hashes[ahead], OverrideBook.PrefetchDistance);
        }

        for (var i = 0; i < points.Length; i++)
        {
            var far = i + OverrideBook.PrefetchDistance;
            if (far < points.Length)
            {
                hashes[far & 7] = OverrideBook.HashOf(accounts[offset + far]);
                book.Prefetch(accounts[offset + far], hashes[far & 7], OverrideBook.PrefetchDistance);
            }

            for (var ahead = 2; ahead >= 1; ahead--)
            {
                if (i + ahead < points.Length && accounts[offset + i + ahead].Length != 0)
                {
                    book.Prefetch(accounts[offset + i + ahead], hashes[(i + ahead) & 7], ahead);
                }
            }

            var result = layer.Resolve(points[i].Lat, points[i].Lng);
            var account = accounts[offset + i];
            if (account.Length != 0 && book.TryFindInForce(account, hashes[i & 7], ticks, out var entry))
            {
                acc += entry.OwnerId.Length + (result.Territory is null ? 0 : 4);
                continue;
            }

            acc += (int)result.Reason + (result.Territory is null ? 0 : 4);
        }

        return acc;
    }
}
