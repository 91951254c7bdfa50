// The area a layer must cover: a given polygon, or the territories of a parent layer.
using NetTopologySuite.Geometries;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Analysis;

/// <summary>
/// Where a layer must leave no gap: either one polygon (e.g. a sales region), or every territory of
/// another layer of the same map (e.g. "every state must be fully covered by counties"), each checked
/// on its own so a gap names the territory it lies in. Immutable and thread-safe (the geometry must
/// not be mutated).
/// </summary>
public sealed class CoverageArea
{
    private CoverageArea(string id, NtsGeometry? geometry, string? parentLayer)
    {
        Id = id;
        Geometry = geometry;
        ParentLayer = parentLayer;
    }

    /// <summary>The id gaps name for a polygon area; the parent layer's name for a layer area.</summary>
    public string Id { get; }

    /// <summary>The polygon, or null for a layer area.</summary>
    public NtsGeometry? Geometry { get; }

    /// <summary>The parent layer, or null for a polygon area.</summary>
    public string? ParentLayer { get; }

    /// <summary>A polygon area (Polygon or MultiPolygon, longitude/latitude); gaps name it <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">The geometry is not polygonal.</exception>
    public static CoverageArea Polygon(NtsGeometry geometry, string id = "coverage")
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (geometry is not (NetTopologySuite.Geometries.Polygon or MultiPolygon))
        {
            throw new ArgumentException($"A coverage area is a Polygon or MultiPolygon, not a {geometry.GeometryType}.", nameof(geometry));
        }

        return new CoverageArea(id, geometry, null);
    }

    /// <summary>Every territory of <paramref name="parentLayer"/>; gaps name the territory they lie in.</summary>
    public static CoverageArea Layer(string parentLayer)
    {
        ArgumentException.ThrowIfNullOrEmpty(parentLayer);
        return new CoverageArea(parentLayer, null, parentLayer);
    }
}

/// <summary>Options of <see cref="CoverageCheck"/>. Immutable once constructed; thread-safe.</summary>
public sealed class CoverageOptions
{
    /// <summary>The defaults.</summary>
    public static CoverageOptions Default { get; } = new();

    /// <summary>
    /// Overlaps, gaps and territories smaller than this, in km², are flagged as slivers: typical
    /// digitising noise where two sources of a border disagree by metres. Default 0.01 km² (one
    /// hectare, a 10 m misalignment along 1 km of border). Must be ≥ 0.
    /// </summary>
    public double SliverAreaKm2 { get; init; } = 0.01;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is negative or not finite.</exception>
    public void Validate()
    {
        if (!(SliverAreaKm2 >= 0) || double.IsInfinity(SliverAreaKm2))
        {
            throw new ArgumentOutOfRangeException(nameof(SliverAreaKm2), SliverAreaKm2, "Must be a finite area ≥ 0 km².");
        }
    }
}
