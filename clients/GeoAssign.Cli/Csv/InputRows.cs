// The CLI's input files: points (id,lat,lng[,account_id]), accounts (id,lat,lng,current_owner_id) and balance
// accounts (id,lat,lng and optional weight and tier columns), checked row by row.
using System.Globalization;
using GeoAssign.Client;

namespace GeoAssign.Cli.Csv;

/// <summary>What happened to the rows of an input file: read, skipped as invalid, and where.</summary>
internal sealed class InputStats
{
    /// <summary>How many bad rows are listed by line number; the rest are only counted.</summary>
    public const int MaxListedLines = 20;

    private long _rows;
    private long _skipped;

    /// <summary>Valid rows read.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Invalid rows skipped (with <c>--skip-invalid</c>).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>The first <see cref="MaxListedLines"/> skipped rows: line and problem.</summary>
    public List<(long Line, string Problem)> SkippedRows { get; } = [];

    public void Row() => Interlocked.Increment(ref _rows);

    public void Skip(long line, string problem)
    {
        Interlocked.Increment(ref _skipped);
        lock (SkippedRows)
        {
            if (SkippedRows.Count < MaxListedLines)
            {
                SkippedRows.Add((line, problem));
            }
        }
    }
}

/// <summary>
/// Reads an input CSV file as points or accounts. The header names the columns (in any order,
/// case-insensitive; other columns are ignored); numbers use '.' as the decimal separator whatever
/// the machine's culture. A bad row stops the run with <see cref="CliInputException"/> naming the file,
/// line and problem, or with <c>skipInvalid</c> is counted in <see cref="InputStats"/> and left out.
/// The rows are read lazily, one at a time, so a file of any size streams.
/// </summary>
internal sealed class InputRows(string path, bool skipInvalid)
{
    private CsvRecordReader? _reader;

    public InputStats Stats { get; } = new();

    /// <summary>Bytes of the file read so far (for progress; safe from any thread).</summary>
    public long BytesRead => _reader?.BytesRead ?? 0;

    /// <summary>The file's size in bytes.</summary>
    public long Length { get; } = File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>The optional column of <see cref="Points"/> that names the account at each point.</summary>
    public const string AccountColumn = "account_id";

    /// <summary>
    /// Points from a file with the columns id, lat, lng and optionally account_id (an empty account id, or
    /// one of spaces only, is no account).
    /// </summary>
    public IEnumerable<GeoPoint> Points()
    {
        foreach (var (line, fields, columns) in Records(["id", "lat", "lng"], [AccountColumn]))
        {
            if (Coordinates(fields, columns[1], columns[2], out var lat, out var lng) is { } problem)
            {
                Bad(line, problem);
                continue;
            }

            Stats.Row();
            var account = columns[3] < 0 ? null : fields[columns[3]].Trim();
            yield return new GeoPoint(lat, lng, fields[columns[0]], string.IsNullOrEmpty(account) ? null : account);
        }
    }

    /// <summary>The columns that name a postal code instead of lat and lng (resolve-csv by address).</summary>
    public const string CountryColumn = "country", PostalCodeColumn = "postal_code";

    // The server's longest postal code (PostalCodes.MaxLength).
    private const int MaxPostalCodeLength = 20;

    /// <summary>
    /// Addresses from a file with the columns id, country, postal_code and optionally account_id. The server
    /// normalises the code; here a row only needs both present.
    /// </summary>
    public IEnumerable<(long Line, string Id, string Country, string PostalCode, string? AccountId)> Addresses()
    {
        foreach (var (line, fields, columns) in Records(["id", CountryColumn, PostalCodeColumn], [AccountColumn]))
        {
            var (country, code) = (fields[columns[1]].Trim(), fields[columns[2]].Trim());
            if (country.Length == 0 || code.Length == 0)
            {
                Bad(line, country.Length == 0 ? "country is empty" : "postal_code is empty");
                continue;
            }

            // The server's own checks (a batch fails as a whole on a malformed row), so the row is named by its line here.
            if (country.Length != 2 || !char.IsAsciiLetter(country[0]) || !char.IsAsciiLetter(country[1]))
            {
                Bad(line, $"country \"{country}\" is not an ISO 3166-1 alpha-2 code (two letters, such as US or GB)");
                continue;
            }

            if (string.Join(' ', code.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Length > MaxPostalCodeLength || code.Any(char.IsControl))
            {
                Bad(line, $"postal_code \"{code}\" is not a postal code (at most {MaxPostalCodeLength} characters, no control characters)");
                continue;
            }

            Stats.Row();
            var account = columns[3] < 0 ? null : fields[columns[3]].Trim();
            yield return (line, fields[columns[0]], country, code, string.IsNullOrEmpty(account) ? null : account);
        }
    }

    /// <summary>
    /// Whether the file's header names <paramref name="column"/> (case-insensitive); false when the file cannot be
    /// read as CSV, which reading its rows then reports.
    /// </summary>
    public bool HasColumn(string column)
    {
        try
        {
            using var reader = new CsvRecordReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12));
            var header = new List<string>();
            return reader.ReadRecord(header) && header.Exists(h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CsvFormatException)
        {
            return false;
        }
    }

    /// <summary>Accounts from a file with the columns id, lat, lng, current_owner_id.</summary>
    public IEnumerable<Account> Accounts()
    {
        foreach (var (line, fields, columns) in Records(["id", "lat", "lng", "current_owner_id"]))
        {
            var id = fields[columns[0]];
            var problem = string.IsNullOrWhiteSpace(id) ? "the account id is empty" : Coordinates(fields, columns[1], columns[2], out _, out _);
            if (problem is not null)
            {
                Bad(line, problem);
                continue;
            }

            Coordinates(fields, columns[1], columns[2], out var lat, out var lng);
            Stats.Row();
            yield return new Account(id, lat, lng, fields[columns[3]]);
        }
    }

    /// <summary>
    /// Accounts for a balance report from a file with the columns id, lat, lng and, when named,
    /// <paramref name="weightColumn"/> (a number of 0 or more) and <paramref name="tierColumn"/> (text;
    /// empty for none). Named columns must be in the header.
    /// </summary>
    public IEnumerable<BalanceAccount> BalanceAccounts(string? weightColumn, string? tierColumn)
    {
        string[] required = ["id", "lat", "lng", .. weightColumn is null ? Array.Empty<string>() : [weightColumn], .. tierColumn is null ? Array.Empty<string>() : [tierColumn]];
        var tierAt = tierColumn is null ? -1 : required.Length - 1;
        foreach (var (line, fields, columns) in Records(required))
        {
            var id = fields[columns[0]];
            var problem = string.IsNullOrWhiteSpace(id) ? "the account id is empty" : Coordinates(fields, columns[1], columns[2], out _, out _);
            double? weight = null;
            if (problem is null && weightColumn is not null)
            {
                problem = Weight(fields[columns[3]], weightColumn, out var value);
                weight = value;
            }

            if (problem is not null)
            {
                Bad(line, problem);
                continue;
            }

            Coordinates(fields, columns[1], columns[2], out var lat, out var lng);
            Stats.Row();
            yield return new BalanceAccount(id, lat, lng, weight, tierAt < 0 ? null : fields[columns[tierAt]].Trim());
        }
    }

    private static string? Weight(string text, string column, out double value)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            value = 0;
            return $"{column} is empty";
        }

        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return $"{column} \"{text}\" is not a number (use '.' as the decimal separator)";
        }

        return value < 0 ? $"{column} {text.Trim()} is negative" : null;
    }

    // Columns holds the required columns' positions, then the optional ones' (-1 when absent).
    private IEnumerable<(long Line, List<string> Fields, int[] Columns)> Records(string[] required, string[]? optional = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new CliInputException($"{path}: no such file.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{path}: cannot be read ({e.Message}).");
        }

        using var reader = new CsvRecordReader(stream);
        _reader = reader;
        var fields = new List<string>();
        int[] columns;
        try
        {
            if (!reader.ReadRecord(fields))
            {
                throw new CliInputException($"{path} is empty: the first line must be the header {string.Join(',', required)}.");
            }

            columns = Columns(fields, required, optional ?? []);
        }
        catch (CsvFormatException e)
        {
            throw new CliInputException($"{path} line {e.Line}: {e.Message}.");
        }

        var width = fields.Count;
        while (true)
        {
            try
            {
                if (!reader.ReadRecord(fields))
                {
                    yield break;
                }
            }
            catch (CsvFormatException e)
            {
                // The rest of the file cannot be split into rows reliably: this stops even with --skip-invalid.
                throw new CliInputException($"{path} line {e.Line}: {e.Message}.");
            }

            if (fields.Count != width)
            {
                Bad(reader.RecordLine, $"the row has {fields.Count} fields but the header has {width}");
                continue;
            }

            yield return (reader.RecordLine, fields, columns);
        }
    }

    private int[] Columns(List<string> header, string[] required, string[] optional)
    {
        var columns = new int[required.Length + optional.Length];
        for (var o = 0; o < optional.Length; o++)
        {
            columns[required.Length + o] = header.FindIndex(h => string.Equals(h.Trim(), optional[o], StringComparison.OrdinalIgnoreCase));
        }

        var missing = new List<string>();
        for (var r = 0; r < required.Length; r++)
        {
            columns[r] = header.FindIndex(h => string.Equals(h.Trim(), required[r], StringComparison.OrdinalIgnoreCase));
            if (columns[r] < 0)
            {
                missing.Add(required[r]);
            }
        }

        if (missing.Count > 0)
        {
            throw new CliInputException(
                $"{path} line 1: the header must name the columns {string.Join(',', required)}; {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} missing (the header is \"{string.Join(',', header)}\").");
        }

        return columns;
    }

    private void Bad(long line, string problem)
    {
        if (!skipInvalid)
        {
            throw new CliInputException($"{path} line {line}: {problem}. Fix the row, or pass --skip-invalid to skip bad rows.");
        }

        Stats.Skip(line, problem);
    }

    private static string? Coordinates(List<string> fields, int latColumn, int lngColumn, out double lat, out double lng)
    {
        lng = 0;
        return Coordinate(fields[latColumn], "lat", 90, out lat) ?? Coordinate(fields[lngColumn], "lng", 180, out lng);
    }

    private static string? Coordinate(string text, string name, double limit, out double value)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            value = 0;
            return $"{name} is empty";
        }

        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return $"{name} \"{text}\" is not a number (use '.' as the decimal separator)";
        }

        return value < -limit || value > limit ? $"{name} {text.Trim()} is out of range [-{limit}, {limit}]" : null;
    }
}
