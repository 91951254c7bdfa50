// The data the server-level tests share: the shipped sample, the states extract, a million points, expected answers.
using GeoAssign.Client;
using GeoAssign.Index;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using IndexTerritory = GeoAssign.Index.Model.Territory;
using GeoAssign.Testing;

namespace GeoAssign.Testing.Servers;

/// <summary>The data the server-level tests share. Thread-safe: what is computed is computed once, lazily.</summary>
public static class TestData
{
    /// <summary>Denver, Colorado: state "08" in the sample; county 08031 in the extract.</summary>
    public const double DenverLat = 39.7392, DenverLng = -104.9903;

    /// <summary>How many points <see cref="MillionPoints"/> holds.</summary>
    public const int MillionPointCount = 1_000_000;

    private static readonly Lazy<IReadOnlyList<IndexTerritory>> LazyMillionTerritories = new(() => TestDatasets.UsStatesAndCountiesExtract());

    private static readonly Lazy<TerritoryMap> LazyMillionIndex = new(() =>
        new TerritoryMapWriter().Apply(new MapChange(1, MillionTerritories, [])));

    private static readonly Lazy<List<SamplePoint>> LazyMillionPoints = new(() =>
        new PointSampler(MillionTerritories, seed: 23).Mixed(MillionPointCount));

    /// <summary>The sample the server ships: 56 US states and territories with made-up owners, layer geo.</summary>
    public static string SamplePath => Path.Combine(TestDatasets.RepositoryRoot, "server", "GeoAssign.Server", "samples", "us-states.geojson");

    /// <summary>
    /// The committed extract of four US states (Alaska, Colorado, Hawaii, Virginia; layer geo) in the
    /// test's output folder, where this project copies it for every project that references it.
    /// </summary>
    public static string StatesExtractPath => Path.Combine(AppContext.BaseDirectory, "data", "us-states-extract.geojson");

    /// <summary>The sample's territories as the index reads them.</summary>
    public static IReadOnlyList<IndexTerritory> SampleTerritories => TestDatasets.LoadValid(SamplePath);

    /// <summary>The map of the million-point runs: Alaska, Colorado, Hawaii, Virginia (layer state) and their counties (layer geo, with their state as parent).</summary>
    public static IReadOnlyList<IndexTerritory> MillionTerritories => LazyMillionTerritories.Value;

    /// <summary>That map as GeoJSON text.</summary>
    public static string MillionGeoJson() => TerritoryGeoJsonWriter.WriteToString(MillionTerritories);

    /// <summary>That map built into an index in this process, as the server builds it from one change.</summary>
    public static TerritoryMap MillionIndex => LazyMillionIndex.Value;

    /// <summary>A million points around that map: near borders, uniform, on vertices and edges, in holes (deterministic).</summary>
    public static List<SamplePoint> MillionPoints => LazyMillionPoints.Value;

    /// <summary>The reason the index gives, spelt as the client spells it.</summary>
    public static AssignmentReason Reason(Index.Cells.AssignmentReason reason) => reason switch
    {
        Index.Cells.AssignmentReason.InteriorCell => AssignmentReason.InteriorCell,
        Index.Cells.AssignmentReason.ExactTest => AssignmentReason.ExactTest,
        _ => AssignmentReason.Unassigned,
    };
}
