// The CSV files the CSV benchmark reads and writes: a million id,lat,lng rows in two shapes.
using System.Globalization;
using System.Text;

namespace GeoAssign.Benchmarks;

/// <summary>How a benchmark CSV file is laid out.</summary>
public enum CsvShape
{
    /// <summary>UTF-8 byte-order mark, CRLF line ends, every 50th id quoted (a comma and doubled quotes in it), a blank line every 100,000 rows.</summary>
    QuotedCrlfBom,

    /// <summary>No byte-order mark, LF line ends, nothing quoted: what a script usually writes.</summary>
    PlainLf,
}

/// <summary>Writes the benchmark files once per shape into the temporary folder. Thread-safe.</summary>
internal static class CsvFiles
{
    public const int Rows = 1_000_000;

    /// <summary>The file of <paramref name="shape"/>, written on first use; the same seed gives the same bytes.</summary>
    public static string Path(CsvShape shape)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"geoassign-csv-bench-{shape}-{Rows}.csv");
        if (File.Exists(path))
        {
            return path;
        }

        var temporary = path + $".{Environment.ProcessId}.tmp";
        var quoted = shape == CsvShape.QuotedCrlfBom;
        using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: quoted), 1 << 16))
        {
            writer.NewLine = quoted ? "\r\n" : "\n";
            writer.WriteLine("id,lat,lng");
            var random = new Random(20_240_611);
            for (var i = 0; i < Rows; i++)
            {
                var lat = 24.5 + (random.NextDouble() * 25);
                var lng = -125 + (random.NextDouble() * 58.1);
                var id = quoted && i % 50 == 0 ? $"\"acct-{i:D7}, \"\"north\"\" region\"" : $"acct-{i:D7}";
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id},{lat:R},{lng:R}"));
                if (quoted && i % 100_000 == 99_999)
                {
                    writer.WriteLine();
                }
            }
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
