// An edit named the map version it expected, and the map is at another.
namespace GeoAssign.Replication.Replicas;

/// <summary>The map is not at the version an edit expected; nothing was changed.</summary>
public sealed class MapVersionConflictException(long expected, long actual)
    : Exception($"The edit expected map version {expected} but the map is at version {actual}; nothing was changed. Read the map again and retry with expected_version = {actual}.")
{
    /// <summary>The version the edit expected.</summary>
    public long Expected { get; } = expected;

    /// <summary>The version the map is at.</summary>
    public long Actual { get; } = actual;
}
