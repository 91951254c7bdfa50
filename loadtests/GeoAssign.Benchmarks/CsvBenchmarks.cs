// The CLI's CSV reading and writing (CsvHelper behind the CLI's rules) on a million rows.
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GeoAssign.Cli.Csv;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Reads a million-row id,lat,lng file (<see cref="CsvFiles"/>) record by record into the field list
/// the CLI uses, and writes the same rows back out, with the CLI's CSV reader and writer. Until the
/// CLI moved to CsvHelper it timed its own RFC 4180 reader and writer against these (docs/performance.md).
/// </summary>
/// <remarks>
/// <code>dotnet run -c Release --project loadtests/GeoAssign.Benchmarks -- --filter '*CsvBenchmarks*' --job short --inProcess</code>
/// (in-process: on a loaded 2-core machine, building the separate benchmark project can outlast its 2-minute timeout).
/// BenchmarkDotNet needs benchmark classes to be public and unsealed.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class CsvBenchmarks
{
    private string _path = "";
    private string?[][] _rows = [];

    [Params(CsvShape.QuotedCrlfBom, CsvShape.PlainLf)]
    public CsvShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = CsvFiles.Path(Shape);
        var rows = new List<string?[]>(CsvFiles.Rows + 1);
        using var reader = new CsvRecordReader(File.OpenRead(_path));
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            rows.Add([.. fields]);
        }

        // Header, rows, and nothing for the blank lines.
        if (rows.Count != CsvFiles.Rows + 1)
        {
            throw new InvalidOperationException($"{_path}: {rows.Count:N0} records, expected {CsvFiles.Rows + 1:N0}.");
        }

        _rows = [.. rows];
    }

    [Benchmark]
    [BenchmarkCategory("Read")]
    public long Read()
    {
        using var reader = new CsvRecordReader(new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        var fields = new List<string>();
        long chars = 0;
        while (reader.ReadRecord(fields))
        {
            foreach (var field in fields)
            {
                chars += field.Length;
            }
        }

        return chars;
    }

    [Benchmark]
    [BenchmarkCategory("Write")]
    public int Write()
    {
        using var writer = new CsvRecordWriter(Stream.Null);
        foreach (var row in _rows)
        {
            writer.WriteRecord(row);
        }

        return _rows.Length;
    }
}
