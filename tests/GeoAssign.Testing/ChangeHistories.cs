// Territories and change histories for the store tests (embedded and Redis).
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;

namespace GeoAssign.Testing;

/// <summary>
/// Deterministic territories and histories of <see cref="MapChange"/>s for tests of the map stores:
/// what a store is given, it must give back bit for bit.
/// </summary>
public static class ChangeHistories
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    /// <summary>An axis-aligned square territory with attributes.</summary>
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
    /// A deterministic history of <paramref name="count"/> changes, versions 1..count: the us-atlas
    /// extracts' states first, then their counties 40 at a time (real multipolygons, holes, attributes,
    /// parents across layers), between upserts and deletes of small squares whose coordinates are not
    /// round numbers, so that every bit of a coordinate matters.
    /// </summary>
    public static List<MapChange> History(int count, int seed = 7)
    {
        var random = new Random(seed);
        var all = TestDatasets.UsStatesAndCountiesExtract();
        var states = all.Where(t => t.Layer == "state").ToList();
        var rest = all.Where(t => t.Layer != "state").ToList();
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
                upserts.Add(Square(id, -100 + random.Next(40) + random.NextDouble(), 30 + random.Next(15) + random.NextDouble(), 0.5,
                    owner: $"rep-{random.Next(9)}"));
                if (!live.Contains(id))
                {
                    live.Add(id);
                }
            }

            changes.Add(new MapChange(version, upserts, deletes));
        }

        return changes;
    }

    /// <summary>
    /// A small change at <paramref name="version"/>: upserts one square among <paramref name="ids"/>
    /// ids, whose owner names the writer and the version, and deletes <paramref name="deletes"/>.
    /// </summary>
    public static MapChange SmallChange(long version, string writer, int ids = 20, IEnumerable<string>? deletes = null) =>
        new(version, [Square($"{writer}-{version % ids}", -100 + (version % 40) + 0.1, 30 + (version % 15) + 0.3, 0.5, owner: $"{writer}-v{version}")],
            deletes ?? []);

    /// <summary>The territories after applying <paramref name="changes"/> in order, by id.</summary>
    public static SortedDictionary<string, Territory> Replay(IEnumerable<MapChange> changes)
    {
        var map = new SortedDictionary<string, Territory>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            foreach (var territory in change.Upserts)
            {
                map[territory.Id] = territory;
            }

            foreach (var id in change.Deletes)
            {
                map.Remove(id);
            }
        }

        return map;
    }
}
