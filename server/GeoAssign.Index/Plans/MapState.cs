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
    public static MapState Empty { get; } = new(0, TerritoryMap.Empty, ImmutableSortedDictionary.Create<string, PlanBranch>(StringComparer.Ordinal), []);

    /// <summary>Creates a state.</summary>
    public MapState(long position, TerritoryMap live, ImmutableSortedDictionary<string, PlanBranch> plans, ImmutableList<LiveVersionInfo> history)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(history);
        Position = position;
        Live = live;
        Plans = plans;
        History = history;
    }

    /// <summary>The version of the last change applied, to the live map or to a plan.</summary>
    public long Position { get; }

    /// <summary>The version the next change produces.</summary>
    public long NextVersion => Position + 1;

    /// <summary>The live map; its version is that of its own last change.</summary>
    public TerritoryMap Live { get; }

    /// <summary>The plans, by name (deleted plans are gone; activated ones stay, read-only).</summary>
    public ImmutableSortedDictionary<string, PlanBranch> Plans { get; }

    /// <summary>The recent versions of the live map, oldest first (as many as the writer keeps).</summary>
    public ImmutableList<LiveVersionInfo> History { get; }

    /// <summary>
    /// The version of the live map at <paramref name="instant"/>: the last version whose time is at or
    /// before it (a version takes effect at its time, inclusive). Times come from the clock of the
    /// replica that made each change (a scheduled activation's, from its schedule). 0 (the empty map)
    /// before the first version when the history reaches back to it; null when the history does not
    /// reach back that far.
    /// </summary>
    public long? LiveVersionAt(DateTimeOffset instant)
    {
        long? found = null;
        if (TimesOrdered)
        {
            // Binary search for the last entry at or before the instant: lookups with as_of stay
            // O(log n) in a long history.
            int low = 0, high = History.Count - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) >> 1);
                if (History[middle].Info.Time <= instant)
                {
                    found = History[middle].Version;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }
        }
        else
        {
            // Replica clocks may have stepped back between versions: the last in version order wins.
            foreach (var entry in History)
            {
                if (entry.Info.Time <= instant)
                {
                    found = entry.Version;
                }
            }
        }

        if (found is not null)
        {
            return found;
        }

        var complete = History.IsEmpty ? Live.Version == 0 : History[0].Version == FirstVersion;
        return complete ? 0 : null;
    }

    /// <summary>Whether <paramref name="version"/> is a live version the history keeps. O(log n); allocates nothing.</summary>
    public bool HistoryContains(long version)
    {
        int low = 0, high = History.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var at = History[middle].Version;
            if (at == version)
            {
                return true;
            }

            if (at < version)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return false;
    }

    // Whether the versions' times never go back (computed once per state).
    private bool TimesOrdered
    {
        get
        {
            if (_timesOrdered == 0)
            {
                var ordered = true;
                for (var i = 1; i < History.Count && ordered; i++)
                {
                    ordered = History[i - 1].Info.Time <= History[i].Info.Time;
                }

                _timesOrdered = ordered ? 1 : 2;
            }

            return _timesOrdered == 1;
        }
    }

    private int _timesOrdered;

    // A history that starts at the first version of the sequence reaches back to the empty map.
    private const long FirstVersion = 1;
}
