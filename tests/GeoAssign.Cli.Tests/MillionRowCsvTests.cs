// A million-row resolve-csv run whose output equals the in-process index, row for row.
using System.Diagnostics;
using System.Globalization;
using GeoAssign.Cli.Csv;
using GeoAssign.Testing.Servers;
using Xunit.Abstractions;

namespace GeoAssign.Cli.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MillionRowCollection : ICollectionFixture<MillionPointServer>
{
    public const string Name = "million rows";
}

[Collection(MillionRowCollection.Name)]
public sealed class MillionRowCsvTests(MillionPointServer fixture, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("geoassign-cli-million-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_million_row_resolve_csv_equals_the_in_process_index()
    {
        var points = TestData.MillionPoints;
        var index = TestData.MillionIndex;
        var input = Path.Combine(_folder, "points.csv");
        await using (var writer = new StreamWriter(input))
        {
            await writer.WriteLineAsync("id,lat,lng");
            for (var i = 0; i < points.Count; i++)
            {
                // "R" keeps every bit of the double, so the CLI resolves exactly the sampled point.
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"pt-{i},{points[i].Lat:R},{points[i].Lng:R}"));
            }
        }

        var outputPath = Path.Combine(_folder, "assigned.csv");
        var clock = Stopwatch.StartNew();
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, outputPath));
        output.WriteLine($"resolve-csv of {points.Count:N0} rows: {clock.Elapsed.TotalSeconds:0.0} s");
        CliAssert.Contains($"Resolved {points.Count:N0} points", result.Out, result);

        using var reader = new CsvRecordReader(File.OpenRead(outputPath));
        var fields = new List<string>();
        Assert.True(reader.ReadRecord(fields));
        var version = fixture.Version.ToString(CultureInfo.InvariantCulture);
        var row = 0;
        var mismatches = new List<string>();
        while (reader.ReadRecord(fields))
        {
            var point = points[row];
            index.TryResolve("geo", point.Lat, point.Lng, out var want);
            var territory = want.Territory?.Territory;
            var reason = want.Reason switch
            {
                Index.Cells.AssignmentReason.InteriorCell => "interior_cell",
                Index.Cells.AssignmentReason.ExactTest => "exact_test",
                _ => "unassigned",
            };
            if (fields[0] != $"pt-{row}" || fields[1] != (territory?.Id ?? "") || fields[2] != (territory?.OwnerId ?? "") || fields[3] != reason || fields[4] != version)
            {
                mismatches.Add($"row {row} {point}: [{string.Join(',', fields)}], index {territory?.Id} {reason}");
            }

            row++;
        }

        Assert.Equal(points.Count, row);
        Assert.Empty(mismatches.Take(20));
    }
}
