// Compares TerritoryShape with NetTopologySuite on many points and reports every disagreement.
using System.Text;
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace GeoAssign.Index.Tests.Geometry;

internal sealed class ShapeAgreement
{
    private sealed record Entry(Territory Territory, TerritoryShape Shape, IPreparedGeometry Prepared, IndexedPointInAreaLocator Locator);

    private readonly STRtree<Entry> _tree = new();
    private readonly GeometryFactory _factory = new();

    public ShapeAgreement(IEnumerable<Territory> territories)
    {
        foreach (var territory in territories)
        {
            var entry = new Entry(territory, TerritoryShape.Create(territory.Geometry),
                PreparedGeometryFactory.Prepare(territory.Geometry), new IndexedPointInAreaLocator(territory.Geometry));
            // A slightly larger envelope also compares points just outside each territory.
            var envelope = new Envelope(territory.Geometry.EnvelopeInternal);
            envelope.ExpandBy(1e-6);
            _tree.Insert(envelope, entry);
        }

        _tree.Build();
    }

    public int Comparisons { get; private set; }

    public Dictionary<Location, int> Locations { get; } = new() { [Location.Interior] = 0, [Location.Boundary] = 0, [Location.Exterior] = 0 };

    public List<string> Mismatches { get; } = [];

    /// <summary>Compares Covers (against PreparedGeometry.Covers) and Locate (against IndexedPointInAreaLocator).</summary>
    public void Compare(IEnumerable<SamplePoint> points)
    {
        foreach (var sample in points)
        {
            var point = _factory.CreatePoint(new Coordinate(sample.Lng, sample.Lat));
            foreach (var entry in _tree.Query(point.EnvelopeInternal))
            {
                Comparisons++;
                var expectedCovers = entry.Prepared.Covers(point);
                var actualCovers = entry.Shape.Covers(sample.Lng, sample.Lat);
                var expectedLocation = entry.Locator.Locate(point.Coordinate);
                var actualLocation = entry.Shape.Locate(sample.Lng, sample.Lat);
                Locations[expectedLocation]++;
                if (expectedCovers != actualCovers || (expectedCovers && expectedLocation != actualLocation))
                {
                    Mismatches.Add($"{entry.Territory.Id} at {sample}: NTS covers={expectedCovers} ({expectedLocation}), shape covers={actualCovers} ({actualLocation})");
                }
            }
        }
    }

    public string Describe()
    {
        var text = new StringBuilder();
        text.Append($"{Comparisons:N0} comparisons ({Locations[Location.Interior]:N0} interior, {Locations[Location.Boundary]:N0} boundary, {Locations[Location.Exterior]:N0} exterior), {Mismatches.Count} mismatches");
        foreach (var mismatch in Mismatches.Take(20))
        {
            text.AppendLine().Append(mismatch);
        }

        return text.ToString();
    }
}
