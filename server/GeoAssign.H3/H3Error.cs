// The H3 error codes, as the H3 API numbers them.
namespace GeoAssign.H3;

/// <summary>Why an H3 operation failed; the numbering is H3's own, so codes match other bindings.</summary>
public enum H3Error : uint
{
    /// <summary>No error.</summary>
    Success = 0,
    /// <summary>The operation failed without a more specific reason.</summary>
    Failed = 1,
    /// <summary>An argument was outside the function's domain.</summary>
    Domain = 2,
    /// <summary>Latitude or longitude was not finite or out of range.</summary>
    LatLngDomain = 3,
    /// <summary>A resolution was outside 0..15.</summary>
    ResDomain = 4,
    /// <summary>The argument is not a valid H3 cell.</summary>
    CellInvalid = 5,
    /// <summary>The argument is not a valid directed edge.</summary>
    DirEdgeInvalid = 6,
    /// <summary>The argument is not a valid undirected edge.</summary>
    UndirEdgeInvalid = 7,
    /// <summary>The argument is not a valid vertex.</summary>
    VertexInvalid = 8,
    /// <summary>Pentagon distortion was met that the operation cannot handle.</summary>
    Pentagon = 9,
    /// <summary>The input held a duplicate where it must not.</summary>
    DuplicateInput = 10,
    /// <summary>Cells that must be neighbours are not.</summary>
    NotNeighbors = 11,
    /// <summary>Cells or resolutions that must match do not.</summary>
    ResMismatch = 12,
    /// <summary>Memory could not be allocated.</summary>
    MemoryAlloc = 13,
    /// <summary>An output buffer was too small.</summary>
    MemoryBounds = 14,
    /// <summary>An option was invalid.</summary>
    OptionInvalid = 15,
}

/// <summary>Thrown by the non-Try H3 methods when the input is invalid; <see cref="Error"/> says why.</summary>
public sealed class H3Exception : Exception
{
    /// <summary>Creates the exception for an error code with a message naming the problem.</summary>
    public H3Exception(H3Error error, string message) : base(message) => Error = error;

    /// <summary>The H3 error code.</summary>
    public H3Error Error { get; }
}
