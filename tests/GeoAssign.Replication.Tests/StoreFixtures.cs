// Territories, changes and temporary data folders for the store tests.
using GeoAssign.Index.Model;
using GeoAssign.Replication.Embedded;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;

namespace GeoAssign.Replication.Tests;

internal static class StoreFixtures
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>An axis-aligned square territory.</summary>
    public static Territory Square(string id, double lng, double lat, double size, string owner = "rep-1", string layer = "geo",
        string? parent = null, int priority = 0)
    {
        var ring = Factory.CreateLinearRing(
        [
            new Coordinate(lng, lat), new Coordinate(lng + size, lat), new Coordinate(lng + size, lat + size),
            new Coordinate(lng, lat + size), new Coordinate(lng, lat),
        ]);
        return new Territory
        {
            Id = id,
            Name = "Square " + id,
            OwnerId = owner,
            Layer = layer,
            ParentId = parent,
            Priority = priority,
            Attributes = TerritoryAttributes.Parse("{\"quota\":12.5,\"tags\":[\"a\",\"b\"],\"note\":null}"),
            Geometry = Factory.CreatePolygon(ring),
        };
    }

    /// <summary>
    /// A deterministic history of <paramref name="count"/> changes, versions 1..count, drawn from the
    /// us-atlas extracts (real multipolygons, holes, attributes and parents) plus edits and deletes of
    /// small squares.
    /// </summary>
    public static List<MapChange> History(int count, int seed = 7)
    {
        var random = new Random(seed);
        var counties = TestDatasets.UsStatesAndCountiesExtract();
        var states = counties.Where(t => t.Layer == "state").ToList();
        var rest = counties.Where(t => t.Layer != "state").ToList();
        var changes = new List<MapChange>();
        var live = new List<string>();
        var next = 0;
        for (var version = 1; version <= count; version++)
        {
            var upserts = new List<Territory>();
            var deletes = new List<string>();
            if (version == 1)
            {
                upserts.AddRange(states);
            }
            else if (next < rest.Count && version % 3 == 0)
            {
                upserts.AddRange(rest.Skip(next).Take(40));
                next += 40;
            }
            else if (live.Count > 0 && random.Next(4) == 0)
            {
                var victim = live[random.Next(live.Count)];
                deletes.Add(victim);
                live.Remove(victim);
            }
            else
            {
                var id = $"sq-{random.Next(60)}";
                upserts.Add(Square(id, -100 + random.Next(40), 30 + random.Next(15), 0.5, owner: $"rep-{random.Next(9)}"));
                if (!live.Contains(id))
                {
                    live.Add(id);
                }
            }

            changes.Add(new MapChange(version, upserts, deletes));
        }

        return changes;
    }

    public static EmbeddedMapStore Open(string directory, int snapshotEvery = 1_000) =>
        EmbeddedMapStore.Open(new EmbeddedMapStoreOptions { DataDirectory = directory, SnapshotEveryChanges = snapshotEvery });
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "geoassign-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind harms nothing.
        }
    }
}
