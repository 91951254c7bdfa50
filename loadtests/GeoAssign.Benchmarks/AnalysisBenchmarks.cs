// Redistricting analysis on the full US counties: a plan's diff, coverage checks, rebase and ellipsoid areas.
using BenchmarkDotNet.Attributes;
using GeoAssign.Index;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Testing;

namespace GeoAssign.Benchmarks;

/// <summary>
/// The plan analyses of <c>GeoAssign.Index.Analysis</c> on the 3,230 us-atlas counties (all in layer
/// <c>geo</c>, as <see cref="IndexDataset.UsCounties"/>):
/// <list type="bullet">
/// <item><see cref="DiffOwnersAndBorders"/>: <see cref="MapDiff.Compare(TerritoryMap, TerritoryMap)"/> of
/// the live map against a plan that changes 300 counties — 240 reassigned, 30 borders moved (a 3 km
/// disc around a shared vertex changes sides, so 60 counties change geometry);</item>
/// <item><see cref="DiffBordersOnly"/>: the same against a plan that moves 150 borders (300 counties
/// change geometry), the costlier kind of change;</item>
/// <item><see cref="CoverageOverlaps"/>: <see cref="CoverageCheck"/> of the counties alone (overlaps,
/// small territories);</item>
/// <item><see cref="CoverageAgainstStates"/>: the same plus the gaps in every one of the 56 states
/// (layer <c>state</c>);</item>
/// <item><see cref="Rebase"/>: <see cref="PlanRebase"/> of the first plan onto a live map with 300
/// other counties reassigned;</item>
/// <item><see cref="AreaOfAllCounties"/>: <see cref="EllipsoidArea.AreaKm2(NetTopologySuite.Geometries.Geometry)"/>
/// of every county.</item>
/// </list>
/// </summary>
/// <remarks>One operation takes from milliseconds to seconds, so the short job (3 warm-ups, 3
/// iterations) is enough. Single-threaded. BenchmarkDotNet needs benchmark classes to be public and
/// unsealed; every case runs in its own process, so each setup builds only what its benchmark needs.</remarks>
[MemoryDiagnoser]
[ShortRunJob]
public class AnalysisBenchmarks
{
    private const int PlanSeed = 7;

    private TerritoryMap? _live;
    private TerritoryMap? _plan;
    private TerritoryMap? _otherLive;
    private IReadOnlyList<Territory> _counties = [];
    private List<Territory> _countiesAndStates = [];

    [GlobalSetup(Target = nameof(DiffOwnersAndBorders))]
    public void SetupOwnersAndBorders() => SetupDiff(reassign: 240, borderMoves: 30);

    [GlobalSetup(Target = nameof(DiffBordersOnly))]
    public void SetupBordersOnly() => SetupDiff(reassign: 0, borderMoves: 150);

    [GlobalSetup(Target = nameof(Rebase))]
    public void SetupRebase()
    {
        SetupDiff(reassign: 240, borderMoves: 30);
        var plan = RedistrictingPlans.Redistrict(_counties, reassign: 300, borderMoves: 0, seed: PlanSeed + 1);
        _otherLive = Indexed(plan.Plan);
    }

    [GlobalSetup(Targets = [nameof(CoverageOverlaps), nameof(CoverageAgainstStates), nameof(AreaOfAllCounties)])]
    public void SetupCoverage()
    {
        _counties = IndexDataset.UsCounties.Territories;
        _countiesAndStates = [.. _counties, .. TestDatasets.UsStatesFull().Select(s => s with { Id = "S" + s.Id, Layer = "state" })];
    }

    [Benchmark]
    public int DiffOwnersAndBorders() => MapDiff.Compare(_live!, _plan!).Layers[0].Areas.Length;

    [Benchmark]
    public int DiffBordersOnly() => MapDiff.Compare(_live!, _plan!).Layers[0].Areas.Length;

    [Benchmark]
    public int CoverageOverlaps() => CoverageCheck.CheckLayer(_counties, Territory.DefaultLayer).Overlaps.Length;

    [Benchmark]
    public int CoverageAgainstStates() =>
        CoverageCheck.CheckLayer(_countiesAndStates, Territory.DefaultLayer, CoverageArea.Layer("state")).Gaps.Length;

    [Benchmark]
    public int Rebase() => PlanRebase.Rebase(_live!, _otherLive!, _plan!).Conflicts.Length;

    [Benchmark]
    public double AreaOfAllCounties()
    {
        var sum = 0.0;
        foreach (var county in _counties)
        {
            sum += EllipsoidArea.AreaKm2(county.Geometry);
        }

        return sum;
    }

    private void SetupDiff(int reassign, int borderMoves)
    {
        _counties = IndexDataset.UsCounties.Territories;
        var plan = RedistrictingPlans.Redistrict(_counties, reassign, borderMoves, PlanSeed);
        if (plan.ChangedIds.Count != reassign + 2 * borderMoves)
        {
            throw new InvalidOperationException($"the plan changed {plan.ChangedIds.Count} counties, not {reassign + 2 * borderMoves}");
        }

        _live = Indexed(_counties);
        _plan = Indexed(plan.Plan);
    }

    private static TerritoryMap Indexed(IReadOnlyList<Territory> territories) =>
        new TerritoryMapWriter().Apply(new MapChange(1, territories, []));
}
