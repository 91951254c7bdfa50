// Everything a replica serves at one position of the change sequence: the live map and its plans.
using System.Collections.Immutable;

namespace GeoAssign.Index.Plans;

/// <summary>
/// The live map and every plan after the changes up to <see cref="Position"/>. Immutable and
/// thread-safe: readers take one and use it without locks.
/// </summary>
public sealed class MapState
{
    /// <summary>Nothing: the empty live map, no plans, position 0.</summary>
    public static MapState Empty { get; } = new(0, TerritoryMap.Empty, ImmutableSortedDictionary.Create<string, PlanBranch>(StringComparer.Ordinal));

    /// <summary>Creates a state.</summary>
    public MapState(long position, TerritoryMap live, ImmutableSortedDictionary<string, PlanBranch> plans)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plans);
        Position = position;
        Live = live;
        Plans = plans;
    }

    /// <summary>The version of the last change applied, to the live map or to a plan.</summary>
    public long Position { get; }

    /// <summary>The version the next change produces.</summary>
    public long NextVersion => Position + 1;

    /// <summary>The live map; its version is that of its own last change.</summary>
    public TerritoryMap Live { get; }

    /// <summary>The plans, by name (deleted plans are gone; activated ones stay, read-only).</summary>
    public ImmutableSortedDictionary<string, PlanBranch> Plans { get; }
}
