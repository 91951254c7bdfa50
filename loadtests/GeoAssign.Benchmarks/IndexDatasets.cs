// The territory maps the index benchmarks and the index report measure, and the points they look up.
using GeoAssign.H3;
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using GeoAssign.Testing;

namespace GeoAssign.Benchmarks;

/// <summary>How the looked-up points are chosen.</summary>
public enum PointMix
{
    /// <summary>Uniform in the dataset's box (<see cref="IndexDataset.UniformBox"/>).</summary>
    Uniform,

    /// <summary>1 cm to 10 m off a random border edge, on either side: nearly every lookup needs the exact test.</summary>
    NearBorder,
}

/// <summary>
/// One benchmark dataset: its territories (all in layer <c>geo</c>) and the box uniform points are
/// drawn from. Immutable; the territories are loaded once per process.
/// </summary>
internal sealed class IndexDataset
{
    // Declared before the datasets: static initialisers run in text order.
    private static readonly SyntheticRegion JaggedRegion = new("synthetic-jagged", -100, 35, -90, 42);

    private readonly Lazy<IReadOnlyList<Territory>> _territories;

    private IndexDataset(string name, string description, LngLatRect uniformBox, Func<IReadOnlyList<Territory>> load)
    {
        Name = name;
        Description = description;
        UniformBox = uniformBox;
        _territories = new Lazy<IReadOnlyList<Territory>>(load);
    }

    /// <summary>The name benchmarks and the report use (a BenchmarkDotNet parameter value).</summary>
    public string Name { get; }

    /// <summary>What the dataset is, for the report.</summary>
    public string Description { get; }

    /// <summary>
    /// Where uniform points fall. The us-atlas sets reach from the Aleutians (both sides of ±180) to
    /// Guam, so their own bounding box is mostly ocean; their uniform points use the continental US
    /// box of <see cref="UsBoxPoints"/> instead, where most points land in a territory.
    /// </summary>
    public LngLatRect UniformBox { get; }

    /// <summary>The territories, loaded on first use.</summary>
    public IReadOnlyList<Territory> Territories => _territories.Value;

    /// <summary>All 3,231 us-atlas counties (3,230 with area), about 21 vertices each.</summary>
    public static IndexDataset UsCounties { get; } = new("us-counties",
        "us-atlas 3.0.1 counties, full (median ~21 vertices per county)", ContinentalUs, TestDatasets.UsCountiesFull);

    /// <summary>All 56 us-atlas states and territories, up to 4,142 vertices each.</summary>
    public static IndexDataset UsStates { get; } = new("us-states",
        "us-atlas 3.0.1 states and territories, full (up to 4,142 vertices per state)", ContinentalUs, TestDatasets.UsStatesFull);

    /// <summary>
    /// About 50 Voronoi cells over a 10° × 7° box of the central US with jagged shared borders of 800
    /// extra vertices per edge: thousands of vertices per territory, like real district boundaries.
    /// </summary>
    public static IndexDataset SyntheticHighVertex { get; } = new("synthetic-jagged",
        "SyntheticTerritories: 50 Voronoi cells, 800 extra vertices per edge, holes, enclaves, overlays",
        new LngLatRect(JaggedRegion.MinLng, JaggedRegion.MinLat, JaggedRegion.MaxLng, JaggedRegion.MaxLat),
        () => SyntheticTerritories.Generate(JaggedRegion, new SyntheticMapOptions { Seed = 7, CellCount = 50, VerticesPerEdge = 800 }));

    /// <summary>
    /// The 254 Natural Earth countries with area of world-atlas 2.0.2 at 1:10m (repaired; the Vatican
    /// has no area at this scale): real high-vertex borders, median ~700 and up to 68,000 vertices per
    /// country, across the antimeridian and round the south pole. Uniform points cover the whole globe.
    /// </summary>
    public static IndexDataset WorldCountries { get; } = new("world-countries",
        "world-atlas 2.0.2 (Natural Earth 1:10m) countries, repaired (median ~700, up to 68,000 vertices per country)",
        new LngLatRect(-180, -90, 180, 90), TestDatasets.WorldCountries);

    /// <summary>Every dataset, in report order.</summary>
    public static IReadOnlyList<IndexDataset> All { get; } = [UsCounties, UsStates, SyntheticHighVertex, WorldCountries];

    /// <summary>The names of <see cref="All"/>, for <c>[ParamsSource]</c>.</summary>
    public static IEnumerable<string> Names => All.Select(static d => d.Name);

    private static LngLatRect ContinentalUs => new(UsBoxPoints.LngMin, UsBoxPoints.LatMin, UsBoxPoints.LngMax, UsBoxPoints.LatMax);

    /// <summary>The dataset called <paramref name="name"/>.</summary>
    public static IndexDataset Named(string name) =>
        All.FirstOrDefault(d => d.Name == name)
        ?? throw new ArgumentException($"Unknown dataset '{name}'; known: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>
    /// <paramref name="count"/> points of <paramref name="mix"/>, the same on every call for the same
    /// arguments (each mix has its own seed, so one mix does not depend on the other's count).
    /// </summary>
    public LatLng[] Points(PointMix mix, int count)
    {
        var sampler = new PointSampler(Territories, seed: 20240917 + (int)mix);
        var samples = mix switch
        {
            PointMix.Uniform => sampler.Uniform(count, UniformBox),
            PointMix.NearBorder => sampler.NearBorder(count),
            _ => throw new ArgumentOutOfRangeException(nameof(mix), mix, null),
        };
        if (samples.Count != count)
        {
            throw new InvalidOperationException($"{Name}: {mix} gave {samples.Count} points, not {count}.");
        }

        var points = new LatLng[count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new LatLng(samples[i].Lat, samples[i].Lng);
        }

        return points;
    }
}
