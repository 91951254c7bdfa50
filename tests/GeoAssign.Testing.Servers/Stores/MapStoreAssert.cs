// Assertions that what a map store gives back is what it was given, bit for bit.
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Xunit;

namespace GeoAssign.Testing.Servers.Stores;

/// <summary>Compares territories and changes as a store must keep them: equal, geometries to the last bit. Stateless and thread-safe.</summary>
public static class MapStoreAssert
{
    /// <summary>Asserts that two sets of territories are equal, geometries bit for bit (same WKB bytes).</summary>
    public static void SameTerritories(IEnumerable<Territory> expected, IEnumerable<Territory> actual)
    {
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false);
        var expectedById = expected.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var actualById = actual.ToDictionary(t => t.Id, StringComparer.Ordinal);
        Assert.Equal(expectedById.Keys.Order(StringComparer.Ordinal), actualById.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, territory) in expectedById)
        {
            var loaded = actualById[id];
            Assert.Equal(territory, loaded);
            Assert.Equal(wkb.Write(territory.Geometry), wkb.Write(loaded.Geometry));
        }
    }

    /// <summary>Asserts that two changes are equal: version, upserts (bit for bit) and deletes.</summary>
    public static void SameChange(MapChange expected, MapChange actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Upserts, actual.Upserts);
        SameTerritories(expected.Upserts, actual.Upserts);
        Assert.Equal(expected.Deletes, actual.Deletes);
    }

    /// <summary>Asserts that <paramref name="actual"/> holds exactly <paramref name="expected"/>, in order, each bit for bit.</summary>
    public static void SameChanges(IEnumerable<MapChange> expected, IReadOnlyList<MapChange>? actual)
    {
        Assert.NotNull(actual);
        var wanted = expected.ToList();
        Assert.Equal(wanted.Select(c => c.Version), actual.Select(c => c.Version));
        for (var i = 0; i < wanted.Count; i++)
        {
            SameChange(wanted[i], actual[i]);
        }
    }
}
