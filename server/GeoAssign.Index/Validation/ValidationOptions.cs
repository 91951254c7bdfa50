// Limits that validation enforces, with their defaults.
namespace GeoAssign.Index.Validation;

/// <summary>
/// The limits <see cref="TerritoryValidator"/> enforces. The defaults suit one server holding the
/// whole index in memory on a machine of a few GB. Immutable once constructed; thread-safe.
/// </summary>
public sealed class ValidationOptions
{
    /// <summary>The defaults.</summary>
    public static ValidationOptions Default { get; } = new();

    /// <summary>Most vertices one territory may have. Default 250,000 (a detailed coastline district has tens of thousands).</summary>
    public int MaxVerticesPerTerritory { get; init; } = 250_000;

    /// <summary>Most territories one map may have, over all layers. Default 1,000,000.</summary>
    public int MaxTerritoriesPerMap { get; init; } = 1_000_000;

    /// <summary>Most vertices one map may have, over all territories (checked when a whole map is validated). Default 50,000,000 (about 1 GB of NTS geometry).</summary>
    public long MaxVerticesPerMap { get; init; } = 50_000_000;

    /// <summary>Longest id, owner id, layer name or parent id, in UTF-16 code units. Default 256.</summary>
    public int MaxIdLength { get; init; } = 256;

    /// <summary>Deepest chain of parents (a root has depth 0). Default 32.</summary>
    public int MaxParentDepth { get; init; } = 32;

    /// <summary>Most problems reported; the rest are counted, not listed. Default 1,000.</summary>
    public int MaxProblems { get; init; } = 1_000;

    /// <summary>Whether to run NTS <c>IsValidOp</c> on every geometry (self-intersections, holes outside shells, …). Default true; a replay of already-validated changes may turn it off.</summary>
    public bool CheckGeometryValidity { get; init; } = true;

    /// <summary>
    /// How the host lets its users raise a limit, by the limit's property name (e.g.
    /// <c>MaxVerticesPerTerritory</c>), for the "Fix" of a problem: the server answers
    /// <c>GeoAssign:MaxVerticesPerTerritory</c>. Null for a limit the host does not let them raise; then
    /// the fix does not offer it. Default: the property of these options, e.g.
    /// <c>ValidationOptions.MaxVerticesPerTerritory</c>.
    /// </summary>
    public Func<string, string?> LimitSetting { get; init; } = name => $"ValidationOptions.{name}";

    /// <summary><paramref name="fix"/>, followed by how to raise the limit <paramref name="limit"/> when the host allows it.</summary>
    internal string FixOrRaise(string fix, string limit, string when = "") =>
        LimitSetting(limit) is { } setting ? $"{fix}, or raise {setting}{when}" : fix;

    /// <summary>Throws when a limit is not positive, so bad configuration fails at start-up.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxVerticesPerTerritory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTerritoriesPerMap);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxVerticesPerMap);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxIdLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxParentDepth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxProblems);
    }
}
