// Reads an override import's CSV text: every row checked, every bad row named by its line.
using System.Globalization;
using Library = CsvHelper;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Server.Accounts;

/// <summary>One row's problem: the line it starts on (1 = the header) and what is wrong.</summary>
internal readonly record struct CsvRowProblem(long Line, string Detail)
{
    public override string ToString() => $"line {Line}: {Detail}";
}

/// <summary>What an override CSV held: its overrides with the line each came from, and its problems.</summary>
internal sealed class OverrideCsv
{
    public List<AccountOverride> Overrides { get; } = [];

    /// <summary>The line each override starts on, by position in <see cref="Overrides"/>.</summary>
    public List<long> Lines { get; } = [];

    /// <summary>The first problems (at most <see cref="OverrideCsvReader.MaxProblems"/>).</summary>
    public List<CsvRowProblem> Problems { get; } = [];

    /// <summary>All problems, counted.</summary>
    public long ProblemCount { get; set; }

    public long RowCount { get; set; }
}

/// <summary>
/// Reads override CSV (header <c>account_id,owner_id,territory_id,valid_from,valid_until,protected,reason</c>,
/// columns in any order, only the first two required) into overrides, checking each row; the import
/// is all rows or none, so the reader goes on after a bad row to name every one. Stateless; thread-safe.
/// </summary>
internal static class OverrideCsvReader
{
    /// <summary>Most problems kept to report (all are counted).</summary>
    public const int MaxProblems = 100;

    /// <summary>The columns, in the order the header documents them.</summary>
    public static readonly string[] Columns = ["account_id", "owner_id", "territory_id", "valid_from", "valid_until", "protected", "reason"];

    // RFC 4180; fields trimmed; blank lines skipped; records with broken quoting are reported by line
    // through the callback (the import is all or nothing, so the reader counts them and goes on).
    private static readonly Library.CsvReaderOptions Options = Library.CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = false,
        Mode = Library.CsvMode.Rfc4180,
        AllowLineBreaksInQuotes = true,
        SkipEmptyLines = true,
        TrimWhitespace = true,
        DetectSeparatorHint = false,
        TrackLineNumbers = true,
        FieldCountMismatch = Library.CsvFieldCountHandling.Allow,
        MalformedData = Library.CsvMalformedDataHandling.Recover,
    };

    /// <summary>
    /// Reads <paramref name="stream"/> to its end. <paramref name="setBy"/> is recorded as who set each
    /// override; <paramref name="maxRows"/> bounds the rows (a row past it is a problem and ends reading).
    /// </summary>
    public static OverrideCsv Read(Stream stream, string setBy, long maxRows, CancellationToken cancellationToken)
    {
        var result = new OverrideCsv();
        var malformed = new List<CsvRowProblem>();
        var options = Options with
        {
            OnMalformedRecord = record =>
            {
                if (record.Reason is Library.CsvMalformedReason.UnterminatedQuote or Library.CsvMalformedReason.TextAfterClosingQuote)
                {
                    malformed.Add(new CsvRowProblem(record.LineNumber, record.Reason == Library.CsvMalformedReason.UnterminatedQuote
                        ? "a quoted field is never closed (a \" is missing)"
                        : "text follows the closing quote of a field; put the whole field in quotes and double any quote inside it"));
                }
            },
        };
        using var csv = Library.CsvReader.Create(stream, options, leaveOpen: true);
        var fields = new List<string>();
        bool Next()
        {
            while (csv.Read())
            {
                fields.Clear();
                for (var i = 0; i < csv.FieldCount; i++)
                {
                    fields.Add(csv.GetString(i));
                }

                if (fields.Count == 1 && fields[0].Length == 0)
                {
                    continue;
                }

                return true;
            }

            return false;
        }

        if (!Next())
        {
            Add(result, 1, "the file is empty; the first line is the header " + string.Join(',', Columns));
            return result;
        }

        var header = fields.ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (Array.IndexOf(Columns, name) < 0)
            {
                Add(result, csv.LineNumber, $"unknown column \"{TerritoryNames.Shorten(header[i])}\"; the columns are {string.Join(',', Columns)}");
            }
            else if (!index.TryAdd(name, i))
            {
                Add(result, csv.LineNumber, $"the column {name} appears twice");
            }
        }

        foreach (var required in (string[])["account_id", "owner_id"])
        {
            if (!index.ContainsKey(required))
            {
                Add(result, csv.LineNumber, $"the header has no {required} column; the columns are {string.Join(',', Columns)}");
            }
        }

        if (result.ProblemCount > 0)
        {
            return result;
        }

        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        while (Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = csv.LineNumber;
            result.RowCount++;
            foreach (var problem in malformed)
            {
                Add(result, problem.Line, problem.Detail);
            }

            if (malformed.Count > 0)
            {
                malformed.Clear();
                continue;
            }

            if (result.RowCount > maxRows)
            {
                Add(result, line, $"the file has more than {maxRows:N0} rows (GeoAssign:MaxOverridesPerImport); split it and import the parts with merge");
                break;
            }

            if (fields.Count > header.Length)
            {
                Add(result, line, $"the row has {fields.Count} fields but the header names {header.Length}");
                continue;
            }

            if (fields.Exists(f => f.Contains('\uFFFD', StringComparison.Ordinal)))
            {
                Add(result, line, "the row is not valid UTF-8 text (it holds bytes no UTF-8 character has); save the file as UTF-8");
                continue;
            }

            string Field(string name) => index.TryGetValue(name, out var at) && at < fields.Count ? fields[at] : "";
            var row = ReadRow(Field, setBy, out var rowProblem);
            if (rowProblem is not null)
            {
                Add(result, line, rowProblem);
                continue;
            }

            if (!seen.TryAdd(row!.AccountId, line))
            {
                Add(result, line, $"account \"{TerritoryNames.Shorten(row.AccountId)}\" is set twice (also on line {seen[row.AccountId]})");
                continue;
            }

            result.Overrides.Add(row);
            result.Lines.Add(line);
        }

        foreach (var problem in malformed)
        {
            Add(result, problem.Line, problem.Detail);
        }

        return result;
    }

    // One row as an override, or the row's first problem.
    private static AccountOverride? ReadRow(Func<string, string> field, string setBy, out string? problem)
    {
        problem = null;
        var account = field("account_id");
        if (TerritoryNames.IdProblem(account) is { } accountProblem)
        {
            problem = $"account_id: {accountProblem}";
            return null;
        }

        var owner = field("owner_id");
        if (TerritoryNames.IdProblem(owner) is { } ownerProblem)
        {
            problem = $"owner_id: {ownerProblem}";
            return null;
        }

        var territory = field("territory_id");
        if (territory.Length != 0 && TerritoryNames.IdProblem(territory) is { } territoryProblem)
        {
            problem = $"territory_id: {territoryProblem}";
            return null;
        }

        if (!TryInstant(field("valid_from"), out var from))
        {
            problem = $"valid_from \"{TerritoryNames.Shorten(field("valid_from"))}\" is not an ISO-8601 date or instant (e.g. 2027-01-01 or 2027-01-01T08:00:00Z); leave it empty for no start";
            return null;
        }

        if (!TryInstant(field("valid_until"), out var until))
        {
            problem = $"valid_until \"{TerritoryNames.Shorten(field("valid_until"))}\" is not an ISO-8601 date or instant (e.g. 2027-07-01 or 2027-07-01T00:00:00Z); leave it empty for no end";
            return null;
        }

        if (from is { } start && until is { } end && end <= start)
        {
            problem = $"valid_until {end:O} is not after valid_from {start:O}";
            return null;
        }

        var protectedText = field("protected").ToLowerInvariant();
        bool isProtected;
        switch (protectedText)
        {
            case "" or "false" or "0" or "no" or "n":
                isProtected = false;
                break;
            case "true" or "1" or "yes" or "y":
                isProtected = true;
                break;
            default:
                problem = $"protected \"{TerritoryNames.Shorten(protectedText)}\" is not true/false (1/0, yes/no; empty for false)";
                return null;
        }

        var reason = field("reason");
        if (reason.Length > TerritoryValidator.MaxOverrideReasonLength)
        {
            problem = $"the reason is {reason.Length} characters long; at most {TerritoryValidator.MaxOverrideReasonLength}";
            return null;
        }

        return new AccountOverride
        {
            AccountId = account,
            OwnerId = owner,
            TerritoryId = territory.Length == 0 ? null : territory,
            ValidFrom = from,
            ValidUntil = until,
            Protected = isProtected,
            Reason = reason,
            SetBy = setBy,
        };
    }

    // An instant as ISO-8601: a date is midnight UTC, a time without offset is UTC.
    private static bool TryInstant(string text, out DateTimeOffset? instant)
    {
        instant = null;
        if (text.Length == 0)
        {
            return true;
        }

        string[] formats =
        [
            "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
            "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
            "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ssK",
        ];
        if (!DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        instant = parsed;
        return true;
    }

    private static void Add(OverrideCsv result, long line, string detail)
    {
        result.ProblemCount++;
        if (result.Problems.Count < MaxProblems)
        {
            result.Problems.Add(new CsvRowProblem(line, detail));
        }
    }
}
