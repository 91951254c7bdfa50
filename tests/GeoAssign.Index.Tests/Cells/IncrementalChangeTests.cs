// After many incremental edits the index answers exactly like a fresh full build, and like the oracle.
using Xunit;
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace GeoAssign.Index.Tests.Cells;

public sealed class IncrementalChangeTests
{
    private const int Changes = 220;

    [Fact]
    public void After_hundreds_of_edits_the_incremental_index_equals_a_fresh_build()
    {
        var start = LayerIndexAgreementTests.Load("pentagon-norway");
        var options = new TerritoryIndexOptions { LayerResolutions = new Dictionary<string, int> { [Territory.DefaultLayer] = 8 } };
        var writer = new TerritoryMapWriter(options);
        writer.Apply(new MapChange(1, start, []));

        var random = new Random(42);
        var live = start.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var removed = new Dictionary<string, Territory>(StringComparer.Ordinal);
        long version = 1;
        int moves = 0, deletes = 0, reinserts = 0, refreshes = 0;
        for (int i = 0; i < Changes; i++)
        {
            MapChange change;
            double roll = random.NextDouble();
            if (roll < 0.55 || live.Count < 20)
            {
                // Move borders: shift and scale a territory a little, sometimes changing its priority.
                var t = Pick(live, random);
                var moved = t with
                {
                    Geometry = Transform(t.Geometry, random),
                    Priority = random.NextDouble() < 0.2 ? random.Next(0, 4) : t.Priority,
                };
                live[t.Id] = moved;
                change = new MapChange(++version, [moved], []);
                moves++;
            }
            else if (roll < 0.75)
            {
                var t = Pick(live, random);
                live.Remove(t.Id);
                removed[t.Id] = t;
                change = new MapChange(++version, [], [t.Id]);
                deletes++;
            }
            else if (roll < 0.9 && removed.Count > 0)
            {
                var t = Pick(removed, random);
                removed.Remove(t.Id);
                live[t.Id] = t;
                change = new MapChange(++version, [t], []);
                reinserts++;
            }
            else
            {
                // A new owner only: no cell may need rebuilding.
                var t = Pick(live, random);
                var renamed = t with { OwnerId = $"rep-{random.Next(1000)}" };
                live[t.Id] = renamed;
                change = new MapChange(++version, [renamed], []);
                refreshes++;
            }
            writer.Apply(change);
        }

        var incremental = writer.Current;
        var territories = live.Values.OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        var fresh = new TerritoryMapWriter(options).Apply(new MapChange(version, territories, []));
        Assert.True(incremental.Layers[Territory.DefaultLayer].Incremental, "the last edit should have been applied incrementally");
        Assert.True(moves > 50 && deletes > 20 && reinserts > 10 && refreshes > 5, $"{moves} moves, {deletes} deletes, {reinserts} re-inserts, {refreshes} owner changes");

        var points = new PointSampler(territories, 9).Mixed(120_000);
        var a = incremental.Layers[Territory.DefaultLayer];
        var b = fresh.Layers[Territory.DefaultLayer];
        int differences = 0;
        string? first = null;
        foreach (var p in points)
        {
            var x = a.Resolve(p.Lat, p.Lng);
            var y = b.Resolve(p.Lat, p.Lng);
            if (x.Territory?.Territory.Id == y.Territory?.Territory.Id && x.Reason == y.Reason && x.Territory?.Territory.OwnerId == y.Territory?.Territory.OwnerId) continue;
            differences++;
            first ??= $"lat {p.Lat:R} lng {p.Lng:R} ({p.Kind}): incremental {x.Territory?.Territory.Id} ({x.Reason}), fresh {y.Territory?.Territory.Id} ({y.Reason})";
        }
        Assert.True(differences == 0, $"{differences} of {points.Count} answers differ from a fresh build; first: {first}");
        Assert.Equal(b.ComputeChecksum(), a.ComputeChecksum());
        IndexAgreement.AssertAgreesWithOracle(incremental, territories, points);
    }

    [Fact]
    public void The_index_depends_only_on_the_territories_not_on_the_order_of_edits()
    {
        // One territory at a time with the automatic resolution, against all at once: the resolution,
        // the answers and the reasons must be the same, so replicas and replays agree cell for cell.
        var territories = LayerIndexAgreementTests.Load("us-counties-extract");
        var oneByOne = new TerritoryMapWriter();
        long version = 0;
        foreach (var t in territories) oneByOne.Apply(new MapChange(++version, [t], []));
        var atOnce = new TerritoryMapWriter().Apply(new MapChange(1, territories, []));

        var a = oneByOne.Current.Layers[Territory.DefaultLayer];
        var b = atOnce.Layers[Territory.DefaultLayer];
        Assert.Equal(b.Resolution, a.Resolution);
        int differences = 0;
        foreach (var p in new PointSampler(territories, 21).Mixed(60_000))
        {
            var x = a.Resolve(p.Lat, p.Lng);
            var y = b.Resolve(p.Lat, p.Lng);
            if (x.Territory?.Territory.Id != y.Territory?.Territory.Id || x.Reason != y.Reason) differences++;
        }
        Assert.Equal(0, differences);
        Assert.Equal(b.ComputeChecksum(), a.ComputeChecksum());
        // And the checksum does see a difference: one territory fewer changes it.
        var fewer = new TerritoryMapWriter().Apply(new MapChange(1, territories.Skip(1).ToList(), []));
        Assert.NotEqual(b.ComputeChecksum(), fewer.Layers[Territory.DefaultLayer].ComputeChecksum());
    }

    private static Territory Pick(Dictionary<string, Territory> set, Random random)
    {
        var keys = set.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        return set[keys[random.Next(keys.Count)]];
    }

    private static NetTopologySuite.Geometries.Geometry Transform(NetTopologySuite.Geometries.Geometry geometry, Random random)
    {
        var c = geometry.Centroid.Coordinate;
        double scale = 0.9 + random.NextDouble() * 0.2;
        double dx = (random.NextDouble() - 0.5) * 0.1, dy = (random.NextDouble() - 0.5) * 0.05;
        var transform = AffineTransformation.TranslationInstance(-c.X, -c.Y)
            .Scale(scale, scale)
            .Translate(c.X + dx, c.Y + dy);
        return transform.Transform(geometry);
    }
}
