// How the CLI writes reasons, counts, numbers and byte sizes in tables, CSV files and JSON.
using System.Globalization;
using GeoAssign.Client;

namespace GeoAssign.Cli.Output;

/// <summary>The CLI's text for the API's enums and values. Stateless and thread-safe.</summary>
internal static class TextFormat
{
    /// <summary>The reason as it appears in CSV and JSON: <c>interior_cell</c>, <c>exact_test</c>, <c>account_override</c>, <c>unassigned</c>.</summary>
    public static string Reason(AssignmentReason reason) => reason switch
    {
        AssignmentReason.InteriorCell => "interior_cell",
        AssignmentReason.ExactTest => "exact_test",
        AssignmentReason.AccountOverride => "account_override",
        AssignmentReason.Unassigned => "unassigned",
        AssignmentReason.PostalCode => "postal_code",
        AssignmentReason.PostalCodeNotFound => "postal_code_not_found",
        _ => "unspecified",
    };

    /// <summary>A flag as CSV and the override import write it: <c>true</c> or <c>false</c>.</summary>
    public static string Boolean(bool value) => value ? "true" : "false";

    /// <summary>An instant as CSV and JSON write it, ISO-8601 in UTC with the fraction only when there is one: <c>2027-01-01T09:00:00Z</c>.</summary>
    public static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A duration for people: "30 d", "12 h", "1 d 6 h", "90 min".</summary>
    public static string Duration(TimeSpan span)
    {
        var parts = new List<string>();
        if (span.Days != 0)
        {
            parts.Add($"{span.Days} d");
        }

        if (span.Hours != 0)
        {
            parts.Add($"{span.Hours} h");
        }

        if (span.Minutes != 0)
        {
            parts.Add($"{span.Minutes} min");
        }

        if (span.Seconds != 0 || parts.Count == 0)
        {
            parts.Add($"{span.Seconds} s");
        }

        return string.Join(' ', parts);
    }

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A number with up to <paramref name="decimals"/> decimals, culture-invariant.</summary>
    public static string Number(double value, int decimals = 6) => value.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);

    /// <summary>Bytes as B, KiB, MiB or GiB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    /// <summary>"(none)" for a missing id in human output.</summary>
    public static string OrNone(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;

    /// <summary>A plan's status as CSV, JSON and tables show it: <c>draft</c>, <c>scheduled</c>, <c>activated</c>.</summary>
    public static string Status(PlanStatus status) => status switch
    {
        PlanStatus.Draft => "draft",
        PlanStatus.Scheduled => "scheduled",
        PlanStatus.Activated => "activated",
        _ => "unspecified",
    };

    /// <summary>How a territory differs in a diff: <c>created</c>, <c>deleted</c>, <c>changed</c>.</summary>
    public static string Kind(TerritoryDiffKind kind) => kind switch
    {
        TerritoryDiffKind.Created => "created",
        TerritoryDiffKind.Deleted => "deleted",
        TerritoryDiffKind.Changed => "changed",
        _ => "unspecified",
    };

    /// <summary>An instant for people: "2027-01-01 09:00:00 UTC".</summary>
    public static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>An area in km² for people: thousands separated, three decimals below 10 km², one above.</summary>
    public static string Area(double km2) => km2.ToString(Math.Abs(km2) < 10 ? "N3" : "N1", CultureInfo.InvariantCulture);

    /// <summary>"a → b" when a value changed, else the value; "(none)" for a missing side.</summary>
    public static string Change(string? before, string? after) =>
        string.Equals(before, after, StringComparison.Ordinal) ? OrNone(after) : $"{OrNone(before)} → {OrNone(after)}";
}
