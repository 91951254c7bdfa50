// A test point and how it was chosen.
namespace GeoAssign.Testing;

/// <summary>How a test point was chosen; mismatches are reported per kind.</summary>
public enum SampleKind
{
    /// <summary>Uniform in a box.</summary>
    Uniform,

    /// <summary>Moved 1 cm to 10 m (by default) off a border, along its normal, on either side.</summary>
    NearBorder,

    /// <summary>Moved 1e-9 to 1e-6 degrees (by default) off an edge, along its normal, on either side.</summary>
    NearEdge,

    /// <summary>Exactly a vertex of a ring.</summary>
    Vertex,

    /// <summary>The floating-point midpoint of an edge (on it, or within an ulp of it).</summary>
    EdgeMidpoint,

    /// <summary>Inside a hole of a polygon.</summary>
    InHole,
}

/// <summary>A test point in longitude/latitude degrees. Immutable.</summary>
public readonly record struct SamplePoint(double Lng, double Lat, SampleKind Kind)
{
    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Kind} [{Lng:R}, {Lat:R}]");
}
