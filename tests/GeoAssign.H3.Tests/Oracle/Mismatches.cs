// Collects every disagreement with the oracle and fails once, showing the count and the first ones.
using System.Globalization;
using System.Text;

namespace GeoAssign.H3.Tests.Oracle;

/// <summary>
/// A tally of comparisons with h3-js: the test records each comparison and each mismatch, then
/// <see cref="AssertNone"/> fails with the number of mismatches, their tally per group, and
/// <see cref="Shown"/> of them (inputs in round-trip precision, ours and h3-js's value): the
/// first ones, or the worst ones when mismatches carry a severity. Not thread-safe.
/// </summary>
public sealed class Mismatches(string what, H3Oracle oracle)
{
    public const int Shown = 20;
    private readonly List<(double Severity, long Order, string Detail)> _shown = [];
    private readonly Dictionary<string, int> _byGroup = new(StringComparer.Ordinal);

    public long Compared { get; private set; }

    public long Count { get; private set; }

    public void Compare() => Compared++;

    /// <summary>
    /// Records a mismatch; <paramref name="group"/> (e.g. a sub-category) is tallied in the message,
    /// and the message shows the mismatches of highest <paramref name="severity"/> (else the first).
    /// </summary>
    public void Add(string detail, string? group = null, double severity = 0)
    {
        Count++;
        if (group is not null)
        {
            _byGroup[group] = _byGroup.GetValueOrDefault(group) + 1;
        }

        if (_shown.Count < Shown)
        {
            _shown.Add((severity, Count, detail));
            return;
        }

        var weakest = 0;
        for (var i = 1; i < _shown.Count; i++)
        {
            if (_shown[i].Severity < _shown[weakest].Severity)
            {
                weakest = i;
            }
        }

        if (severity > _shown[weakest].Severity)
        {
            _shown[weakest] = (severity, Count, detail);
        }
    }

    /// <summary>Compares and records in one step; returns whether the values agreed.</summary>
    public bool Check(bool agrees, Func<string> detail, string? group = null)
    {
        Compared++;
        if (!agrees)
        {
            Add(detail(), group);
        }

        return agrees;
    }

    /// <summary>A further check on an item already counted: records a mismatch without counting a comparison.</summary>
    public void Also(bool agrees, Func<string> detail, string? group = null)
    {
        if (!agrees)
        {
            Add(detail(), group);
        }
    }

    public void AssertNone()
    {
        Assert.True(Compared > 0, $"no {what} were compared; the golden data is empty");
        if (Count == 0)
        {
            return;
        }

        var message = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Count} mismatches with {oracle.Source} in {Compared} {what}");
        if (_byGroup.Count > 0)
        {
            message.Append(" (").AppendJoin(", ", _byGroup.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Value}")).Append(')');
        }

        var bySeverity = _shown.Any(s => s.Severity != 0);
        message.AppendLine(Count <= Shown ? ":" : bySeverity ? $"; the worst {Shown}:" : $"; the first {Shown}:");
        var shown = bySeverity ? _shown.OrderByDescending(s => s.Severity) : _shown.OrderBy(s => s.Order);
        foreach (var (_, _, detail) in shown)
        {
            message.Append("  ").AppendLine(detail);
        }

        Assert.Fail(message.ToString());
    }
}

/// <summary>Text for mismatch messages: doubles in round-trip precision, cells in h3-js's hex.</summary>
public static class Show
{
    public static string D(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Cell(ulong value) => value.ToString("x", CultureInfo.InvariantCulture);

    public static string Cell(H3Index cell) => Cell(cell.Value);

    public static string Cells(ReadOnlySpan<ulong> cells, int limit = 8)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < cells.Length && i < limit; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(Cell(cells[i]));
        }

        return text.Append(cells.Length > limit ? $", … {cells.Length} cells]" : "]").ToString();
    }

    /// <summary>The symmetric difference of two sorted sets, for set mismatches.</summary>
    public static string SetDifference(ReadOnlySpan<ulong> ours, ReadOnlySpan<ulong> theirs)
    {
        var onlyOurs = new List<ulong>();
        var onlyTheirs = new List<ulong>();
        foreach (var c in ours)
        {
            if (theirs.BinarySearch(c) < 0)
            {
                onlyOurs.Add(c);
            }
        }

        foreach (var c in theirs)
        {
            if (ours.BinarySearch(c) < 0)
            {
                onlyTheirs.Add(c);
            }
        }

        return $"{ours.Length} vs {theirs.Length} cells; only ours {Cells([.. onlyOurs])}; only h3-js {Cells([.. onlyTheirs])}";
    }

    public static string Error(Exception e) => e is H3Exception h ? $"H3Exception({h.Error})" : $"{e.GetType().Name}: {e.Message}";
}

/// <summary>Helpers for comparing cell collections as sets.</summary>
public static class CellSets
{
    public static ulong[] Sorted(ReadOnlySpan<ulong> cells)
    {
        var sorted = cells.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    public static ulong[] Sorted(ReadOnlySpan<H3Index> cells)
    {
        var sorted = new ulong[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            sorted[i] = cells[i].Value;
        }

        Array.Sort(sorted);
        return sorted;
    }

    public static bool HasDuplicates(ReadOnlySpan<ulong> sorted)
    {
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                return true;
            }
        }

        return false;
    }

    public static H3Index[] ToCells(ReadOnlySpan<ulong> values)
    {
        var cells = new H3Index[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            cells[i] = new H3Index(values[i]);
        }

        return cells;
    }
}
