// Reads postal codes in the GeoNames layout: every row checked, every bad row named by its line.
using System.Globalization;

namespace GeoAssign.Index.Gazetteer;

/// <summary>A bad row of a postal-code file: its line (1-based) and what is wrong.</summary>
public readonly record struct PostalRowProblem(long Line, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"line {Line}: {Detail}";
}

/// <summary>What a postal-code file held: its entries (a code repeated is the last row's), and its problems. Not thread-safe: built by one reader.</summary>
public sealed class PostalCodeFile
{
    /// <summary>The entries, one per key, in the order their key first appeared.</summary>
    public List<PostalCodeEntry> Entries { get; } = [];

    /// <summary>The first problems (at most <see cref="GeoNamesPostalReader.MaxProblems"/>).</summary>
    public List<PostalRowProblem> Problems { get; } = [];

    /// <summary>All problems, counted.</summary>
    public long ProblemCount { get; set; }

    /// <summary>Rows read (blank lines and a header not counted).</summary>
    public long RowCount { get; set; }

    /// <summary>The countries of the file, in ordinal order.</summary>
    public IReadOnlyList<string> Countries => [.. Entries.Select(e => e.Country).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}

/// <summary>
/// Reads the GeoNames postal-code layout: UTF-8 text, one row a line, tab-separated, no quoting:
/// country code, postal code, place name, admin name1, admin code1, admin name2, admin code2,
/// admin name3, admin code3, latitude, longitude, accuracy (accuracy may be empty or missing).
/// Blank lines are skipped, and so is a first line whose first field is <c>country_code</c> or
/// <c>country code</c> (a header some exports add). The import is all rows or none, so the reader
/// goes on after a bad row to name every one. Stateless; thread-safe.
/// </summary>
public static class GeoNamesPostalReader
{
    /// <summary>Most problems kept to report (all are counted).</summary>
    public const int MaxProblems = 100;

    /// <summary>The columns, in file order.</summary>
    public static readonly string[] Columns =
        ["country code", "postal code", "place name", "admin name1", "admin code1", "admin name2", "admin code2", "admin name3", "admin code3", "latitude", "longitude", "accuracy"];

    private const int MaxFieldLength = 200;

    /// <summary>Reads <paramref name="reader"/> to its end.</summary>
    public static PostalCodeFile Read(TextReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var result = new PostalCodeFile();
        var positions = new Dictionary<PostalKey, int>();
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if ((line & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var fields = text.Split('\t');
            if (line == 1 && fields[0].Trim().ToLowerInvariant() is "country_code" or "country code" or "countrycode")
            {
                continue;
            }

            result.RowCount++;
            var (entry, problem) = ParseRow(fields);
            if (problem is not null)
            {
                result.ProblemCount++;
                if (result.Problems.Count < MaxProblems)
                {
                    result.Problems.Add(new PostalRowProblem(line, problem));
                }

                continue;
            }

            if (positions.TryGetValue(entry!.Key, out var at))
            {
                result.Entries[at] = entry;
            }
            else
            {
                positions.Add(entry.Key, result.Entries.Count);
                result.Entries.Add(entry);
            }
        }

        return result;
    }

    private static (PostalCodeEntry? Entry, string? Problem) ParseRow(string[] fields)
    {
        if (fields.Length is < 11 or > 12)
        {
            return (null, $"has {fields.Length} tab-separated fields; the GeoNames layout has 12 ({string.Join(", ", Columns)}), accuracy may be empty");
        }

        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = fields[i].Trim();
            if (fields[i].Length > MaxFieldLength || fields[i].Any(char.IsControl))
            {
                return (null, $"{Columns[i]} is longer than {MaxFieldLength} characters or holds control characters");
            }
        }

        if (PostalCodes.NormalizeCountry(fields[0]) is not { } country)
        {
            return (null, $"country code \"{fields[0]}\" is not an ISO 3166-1 alpha-2 code (two letters)");
        }

        if (PostalCodes.Normalize(country, fields[1]) is not { } code)
        {
            return (null, fields[1].Length == 0 ? "postal code is empty" : $"postal code \"{fields[1]}\" is longer than {PostalCodes.MaxLength} characters");
        }

        if (!double.TryParse(fields[9], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || !(lat is >= -90 and <= 90))
        {
            return (null, $"latitude \"{fields[9]}\" is not a number in [-90, 90]");
        }

        if (!double.TryParse(fields[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var lng) || !(lng is >= -180 and <= 180))
        {
            return (null, $"longitude \"{fields[10]}\" is not a number in [-180, 180]");
        }

        var accuracy = 0;
        if (fields.Length == 12 && fields[11].Length > 0
            && (!int.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out accuracy) || accuracy > 9))
        {
            return (null, $"accuracy \"{fields[11]}\" is not empty or a digit (GeoNames: 1, 4 or 6)");
        }

        return (new PostalCodeEntry
        {
            Country = country,
            Code = code,
            Lat = lat,
            Lng = lng,
            PlaceName = fields[2],
            Admin1Name = fields[3],
            Admin1Code = fields[4],
            Admin2Name = fields[5],
            Admin2Code = fields[6],
            Admin3Name = fields[7],
            Admin3Code = fields[8],
            Accuracy = accuracy,
        }, null);
    }
}
