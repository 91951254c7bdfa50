// A layer's territories, which of them form a clean coverage, and their borders as shared edges: built from the previous version where an edit did not reach.
using GeoAssign.Index.Model;
using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GeoAssign.Server.MapPage;

/// <summary>
/// The territories of one layer of one map version, sorted by id; whether each belongs to the clean
/// coverage (<see cref="CoverageValidator"/>: it neither overlaps a neighbour nor mismatches its border);
/// and for each clean territory its rings as sequences of <see cref="CoverageEdge"/>s, a border two
/// territories share being one edge. Built from the previous version of the layer when there is one:
/// a territory keeps the previous answer and edges unless it, or a territory whose envelope meets its
/// own, changed (a coverage check and a node only depend on such neighbours), so the result is the one
/// a build from scratch gives, at the cost of the edit's neighbourhood. Immutable once built; thread-safe.
/// </summary>
internal sealed class LayerCoverage
{
    private LayerCoverage(long version, Territory[] territories, bool[] clean, EdgeRef[][][]?[] rings, CoverageEdge[] edges, int[] touched, TimeSpan checking)
    {
        Checking = checking;
        Version = version;
        Territories = territories;
        Clean = clean;
        Rings = rings;
        Edges = edges;
        Touched = touched;
    }

    /// <summary>The map version.</summary>
    public long Version { get; }

    /// <summary>The layer's territories, sorted by id.</summary>
    public Territory[] Territories { get; }

    /// <summary>Whether each territory belongs to the clean coverage; the others are simplified alone.</summary>
    public bool[] Clean { get; }

    /// <summary>Per territory, null when not clean; else per polygon, per ring (shell first), its edges in ring order.</summary>
    public EdgeRef[][][]?[] Rings { get; }

    /// <summary>Every edge of the clean coverage once.</summary>
    public CoverageEdge[] Edges { get; }

    /// <summary>The territories checked and split anew for this version (all of them when built from scratch).</summary>
    public int[] Touched { get; }

    /// <summary>How long the coverage check took (the rest of the build is splitting into edges).</summary>
    public TimeSpan Checking { get; }

    /// <summary>Builds the coverage of <paramref name="territories"/> (sorted by id), from <paramref name="previous"/> where it can.</summary>
    public static LayerCoverage Build(long version, Territory[] territories, LayerCoverage? previous, DrawingCounters counters, Action<Exception> validationFailed)
    {
        var n = territories.Length;
        var envelopes = territories.Select(t => t.Geometry.EnvelopeInternal).ToArray();
        var tree = new STRtree<int>();
        for (var i = 0; i < n; i++)
        {
            tree.Insert(envelopes[i], i);
        }

        tree.Build();

        // What changed: the territories whose geometry differs from the previous version's, with the
        // envelopes the old and new shapes had. A territory whose envelope meets none is untouched.
        var oldIndex = new int[n];
        Array.Fill(oldIndex, -1);
        var dirtyEnvelopes = new List<Envelope>();
        if (previous is not null)
        {
            var byId = new Dictionary<string, int>(previous.Territories.Length, StringComparer.Ordinal);
            for (var j = 0; j < previous.Territories.Length; j++)
            {
                byId[previous.Territories[j].Id] = j;
            }

            var kept = new bool[previous.Territories.Length];
            for (var i = 0; i < n; i++)
            {
                if (byId.TryGetValue(territories[i].Id, out var j) && SameShape(previous.Territories[j].Geometry, territories[i].Geometry))
                {
                    oldIndex[i] = j;
                    kept[j] = true;
                }
                else
                {
                    dirtyEnvelopes.Add(envelopes[i]);
                }
            }

            for (var j = 0; j < kept.Length; j++)
            {
                if (!kept[j])
                {
                    dirtyEnvelopes.Add(previous.Territories[j].Geometry.EnvelopeInternal);
                }
            }
        }

        var scratch = previous is null || dirtyEnvelopes.Count * 4 > n;
        var near = new bool[n];
        if (scratch)
        {
            Array.Fill(near, true);
        }
        else
        {
            foreach (var envelope in dirtyEnvelopes)
            {
                foreach (var i in tree.Query(envelope))
                {
                    near[i] = true;
                }
            }
        }

        // The coverage check, for the territories near a change: validated against all their envelope
        // neighbours, as the validator of the whole layer does.
        var clean = new bool[n];
        for (var i = 0; i < n; i++)
        {
            clean[i] = !near[i] && previous!.Clean[oldIndex[i]];
        }

        var check = Indexes(near);
        counters.CountChecked(check.Length);
        var checkClock = System.Diagnostics.Stopwatch.StartNew();
        if (check.Length > 0)
        {
            var scope = scratch ? check : WithNeighbours(check, envelopes, tree);
            try
            {
                var problems = CoverageValidator.Validate([.. scope.Select(i => territories[i].Geometry)]);
                var checkSet = near;
                for (var k = 0; k < scope.Length; k++)
                {
                    if (checkSet[scope[k]])
                    {
                        clean[scope[k]] = problems[k] is null;
                    }
                }
            }
#pragma warning disable CA1031 // A drawing must not fail on a geometry NTS cannot validate: draw those territories alone.
            catch (Exception e)
#pragma warning restore CA1031
            {
                validationFailed(e);
                foreach (var i in check)
                {
                    clean[i] = false;
                }
            }
        }

        var checking = checkClock.Elapsed;

        // The edges: split anew for territories near a change or beside one that joined or left the coverage.
        var split = (bool[])near.Clone();
        if (!scratch)
        {
            for (var i = 0; i < n; i++)
            {
                // A neighbour's border with a territory that joined or left the coverage is now shared or outer.
                if (near[i] && oldIndex[i] >= 0 && clean[i] != previous!.Clean[oldIndex[i]])
                {
                    foreach (var k in tree.Query(envelopes[i]))
                    {
                        split[k] = true;
                    }
                }
            }
        }

        var rings = new EdgeRef[][][]?[n];
        for (var i = 0; i < n; i++)
        {
            if (!split[i] && clean[i])
            {
                rings[i] = previous!.Rings[oldIndex[i]];
            }
        }

        var toSplit = Indexes(split).Where(i => clean[i]).ToArray();
        counters.CountSplit(toSplit.Length);
        if (toSplit.Length > 0)
        {
            var scope = (scratch ? toSplit : WithNeighbours(toSplit, envelopes, tree)).Where(i => clean[i]).ToArray();
            // Edges the neighbourhood had: an unchanged border keeps its edge, and its simplifications.
            var known = new Dictionary<CoverageEdge, CoverageEdge>();
            if (!scratch)
            {
                foreach (var i in scope)
                {
                    foreach (var part in rings[i] ?? (oldIndex[i] >= 0 ? previous!.Rings[oldIndex[i]] : null) ?? [])
                    {
                        foreach (var ring in part)
                        {
                            foreach (var reference in ring)
                            {
                                known.TryAdd(reference.Edge, reference.Edge);
                            }
                        }
                    }
                }
            }

            EdgeSplitter.Split(territories, scope, split, rings, known);
        }

        var edges = new HashSet<CoverageEdge>(ReferenceEqualityComparer.Instance);
        var ordered = new List<CoverageEdge>();
        foreach (var territory in rings)
        {
            foreach (var part in territory ?? [])
            {
                foreach (var ring in part)
                {
                    foreach (var reference in ring)
                    {
                        if (edges.Add(reference.Edge))
                        {
                            ordered.Add(reference.Edge);
                        }
                    }
                }
            }
        }

        return new LayerCoverage(version, territories, clean, rings, [.. ordered], Indexes(near.Zip(split, (a, b) => a || b).ToArray()), checking);
    }

    private static bool SameShape(Geometry before, Geometry after) => ReferenceEquals(before, after) || before.EqualsExact(after);

    private static int[] Indexes(bool[] flags) => [.. Enumerable.Range(0, flags.Length).Where(i => flags[i])];

    // The territories and every territory whose envelope meets one of theirs, in index order.
    private static int[] WithNeighbours(int[] territories, Envelope[] envelopes, STRtree<int> tree)
    {
        var set = new SortedSet<int>(territories);
        foreach (var i in territories)
        {
            foreach (var k in tree.Query(envelopes[i]))
            {
                set.Add(k);
            }
        }

        return [.. set];
    }
}

/// <summary>One edge as a ring uses it: forwards or backwards. Immutable.</summary>
internal readonly record struct EdgeRef(CoverageEdge Edge, bool Reversed);
