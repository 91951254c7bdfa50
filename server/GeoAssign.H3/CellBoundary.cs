// A cell's boundary as up to 10 vertices in a fixed buffer.
using System.Runtime.CompilerServices;

namespace GeoAssign.H3;

/// <summary>
/// The vertices of a cell's boundary in degrees, counter-clockwise, held inline (no heap
/// allocation): 6 for a hexagon, 5 for a pentagon, and up to 10 where a Class III cell's edges cross
/// icosahedron edges (the extra vertices lie on the face edge).
/// </summary>
public struct CellBoundary
{
    private VertexBuffer _vertices;
    private int _count;

    /// <summary>The number of vertices, 5 to 10.</summary>
    public readonly int Count => _count;

    /// <summary>The vertex at <paramref name="i"/> (0 ≤ i &lt; <see cref="Count"/>).</summary>
    public readonly LatLng this[int i] => (uint)i < (uint)_count ? _vertices[i] : throw new ArgumentOutOfRangeException(nameof(i), i, $"A boundary of {_count} vertices has no vertex {i}.");

    /// <summary>Copies the vertices into <paramref name="destination"/> and returns their count.</summary>
    public readonly int CopyTo(Span<LatLng> destination)
    {
        ReadOnlySpan<LatLng> source = _vertices;
        source[.._count].CopyTo(destination);
        return _count;
    }

    /// <summary>The vertices as a new array.</summary>
    public readonly LatLng[] ToArray()
    {
        ReadOnlySpan<LatLng> source = _vertices;
        return source[.._count].ToArray();
    }

    internal void Add(LatLng vertex)
    {
        _vertices[_count++] = vertex;
    }

    [InlineArray(H3.MaxCellBoundaryVertices)]
    private struct VertexBuffer
    {
        private LatLng _element0;
    }
}
