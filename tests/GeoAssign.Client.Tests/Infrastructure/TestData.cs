// The data the client and CLI tests share: the shipped sample, a million points, expected answers.
using GeoAssign.Index;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using IndexTerritory = GeoAssign.Index.Model.Territory;
using GeoAssign.Testing;

namespace GeoAssign.Client.Tests.Infrastructure;

public static class TestData
{
    // Denver, Colorado: state "08" in the sample; county 08031 in the extract.
    public const double DenverLat = 39.7392, DenverLng = -104.9903;

    private static readonly Lazy<IReadOnlyList<IndexTerritory>> LazyMillionTerritories = new(() => TestDatasets.UsStatesAndCountiesExtract());

    private static readonly Lazy<TerritoryMap> LazyMillionIndex = new(() =>
        new TerritoryMapWriter().Apply(new MapChange(1, MillionTerritories, [])));

    private static readonly Lazy<List<SamplePoint>> LazyMillionPoints = new(() =>
        new PointSampler(MillionTerritories, seed: 23).Mixed(MillionPointCount));

    public const int MillionPointCount = 1_000_000;

    /// <summary>The sample the server ships: 56 US states and territories with made-up owners, layer geo.</summary>
    public static string SamplePath => Path.Combine(TestDatasets.RepositoryRoot, "server", "GeoAssign.Server", "samples", "us-states.geojson");

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

    /// <summary>A square polygon as GeoJSON geometry text.</summary>
    public static string Square(double lng, double lat, double size) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{{\"type\":\"Polygon\",\"coordinates\":[[[{lng},{lat}],[{lng + size},{lat}],[{lng + size},{lat + size}],[{lng},{lat + size}],[{lng},{lat}]]]}}");
}

/// <summary>Waits for conditions with a deadline instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out after {timeout} waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }
}
