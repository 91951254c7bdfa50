// The CLI's CSV reading and writing: its own RFC 4180 reader and writer against the CsvHelper-backed ones.
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using GeoAssign.Cli.Csv;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Reads a million-row id,lat,lng file (<see cref="CsvFiles"/>) record by record into the field list
/// the CLI uses, and writes the same rows back out, with the CLI's own reader and writer (the
/// baseline) and with the CsvHelper-backed ones. Setup first checks that both behave the same
/// (<see cref="CsvEquivalence"/>), so the two are timed doing the same work.
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
        Console.WriteLine(CsvEquivalence.Check([Shape]));
        _path = CsvFiles.Path(Shape);
        var rows = new List<string?[]>(CsvFiles.Rows + 1);
        using var reader = new CsvRecordReader(File.OpenRead(_path));
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            rows.Add([.. fields]);
        }

        _rows = [.. rows];
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Read")]
    public long Read_own()
    {
        using var reader = new CsvReader(Open());
        return Drain(reader.ReadRecord);
    }

    [Benchmark]
    [BenchmarkCategory("Read")]
    public long Read_CsvHelper()
    {
        using var reader = new CsvRecordReader(Open());
        return Drain(reader.ReadRecord);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Write")]
    public int Write_own()
    {
        using var writer = new CsvWriter(Stream.Null);
        foreach (var row in _rows)
        {
            writer.WriteRecord(row);
        }

        return _rows.Length;
    }

    [Benchmark]
    [BenchmarkCategory("Write")]
    public int Write_CsvHelper()
    {
        using var writer = new CsvRecordWriter(Stream.Null);
        foreach (var row in _rows)
        {
            writer.WriteRecord(row);
        }

        return _rows.Length;
    }

    // As the CLI opens its input files.
    private FileStream Open() => new(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    private static long Drain(Func<List<string>, bool> read)
    {
        var fields = new List<string>();
        long chars = 0;
        while (read(fields))
        {
            foreach (var field in fields)
            {
                chars += field.Length;
            }
        }

        return chars;
    }
}
