// The border rule's order: which of several covering territories wins a point.
namespace GeoAssign.Index.Model;

/// <summary>
/// The border rule's ordering of territories of one layer. A point belongs to every territory of
/// the layer that covers it (interior or boundary, like PostGIS <c>ST_Covers</c>); when more than
/// one covers it, the territory with the <b>highest <see cref="Territory.Priority"/></b> wins, and
/// between equal priorities the <b>ordinal-smallest <see cref="Territory.Id"/></b>
/// (<see cref="string.CompareOrdinal(string, string)"/>) wins. A point that no territory covers is
/// unassigned.
/// </summary>
/// <remarks>Stateless and thread-safe. Ids are unique, so the order is total.</remarks>
public static class TerritoryPrecedence
{
    /// <summary>
    /// Orders territories so that the winner comes first: negative when the first argument wins over
    /// the second, positive when the second wins, zero only for equal priorities and ids.
    /// </summary>
    public static IComparer<Territory> Comparer { get; } = new TerritoryComparer();

    /// <summary>
    /// Compares two territories given by priority and id: negative when A wins, positive when B wins.
    /// </summary>
    public static int Compare(int priorityA, string idA, int priorityB, string idB)
    {
        if (priorityA != priorityB)
        {
            return priorityA > priorityB ? -1 : 1;
        }

        return string.CompareOrdinal(idA, idB);
    }

    /// <summary>Whether territory A wins over territory B where both cover a point.</summary>
    public static bool Wins(int priorityA, string idA, int priorityB, string idB) =>
        Compare(priorityA, idA, priorityB, idB) < 0;

    /// <summary>Whether <paramref name="a"/> wins over <paramref name="b"/> where both cover a point.</summary>
    public static bool Wins(Territory a, Territory b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Compare(a.Priority, a.Id, b.Priority, b.Id) < 0;
    }

    private sealed class TerritoryComparer : IComparer<Territory>
    {
        public int Compare(Territory? x, Territory? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null)
            {
                return 1;
            }

            if (y is null)
            {
                return -1;
            }

            return TerritoryPrecedence.Compare(x.Priority, x.Id, y.Priority, y.Id);
        }
    }
}
