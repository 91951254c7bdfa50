// geoassign resolve-csv: streaming CSV in and out, quoting, CRLF, BOM, blank lines, bad rows.
using System.Text;
using System.Text.Json;
using GeoAssign.Cli.Csv;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class ResolveCsvCommandTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    internal static List<List<string>> ReadCsv(string path)
    {
        using var reader = new CsvRecordReader(File.OpenRead(path));
        var rows = new List<List<string>>();
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            rows.Add([.. fields]);
        }

        return rows;
    }

    [Fact]
    public async Task Quoted_ids_crlf_a_bom_blank_lines_and_extra_columns_come_out_in_order()
    {
        var input = fixture.File("tricky.csv");
        // Columns in another order plus one to ignore; a UTF-8 BOM; CRLF; a blank line; an id with a
        // comma, a doubled quote and a line break; spaces around a number.
        await File.WriteAllTextAsync(input,
            "note,LNG,Lat,ID\r\n" +
            "first,-104.9903,39.7392,denver\r\n" +
            "\r\n" +
            "\"a, b\",-97.7431, 30.2672 ,\"austin, \"\"tx\"\"\nline two\"\r\n" +
            "sea,0,0,nowhere\r\n",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var output = fixture.File("tricky-out.csv");

        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, output));
        CliAssert.Contains("Resolved 3 points", result.Out, result);
        CliAssert.Contains("2 assigned, 1 unassigned; map version 1", result.Out, result);

        var rows = ReadCsv(output);
        Assert.Equal(["id", "territory_id", "owner_id", "reason", "map_version"], rows[0]);
        Assert.Equal(["denver", "austin, \"tx\"\nline two", "nowhere"], rows.Skip(1).Select(r => r[0]));
        Assert.Equal(["08", "48", ""], rows.Skip(1).Select(r => r[1]));
        Assert.Equal("unassigned", rows[3][3]);
        Assert.All(rows.Skip(1), r => Assert.Equal("1", r[4]));
        Assert.DoesNotContain("\r", await File.ReadAllTextAsync(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_row_stops_the_run_naming_its_line_and_leaves_no_output_file()
    {
        var input = fixture.File("bad.csv");
        await File.WriteAllTextAsync(input, "id,lat,lng\na,40,-100\nb,40,-100\n\nc,forty,-100\nd,40,-100\n");
        var output = fixture.File("bad-out.csv");

        var result = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, output));
        CliAssert.Contains("bad.csv line 5: lat \"forty\" is not a number", result.Error, result);
        CliAssert.Contains("--skip-invalid", result.Error, result);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(fixture.Folder, ".bad-out.csv*"));
    }

    [Fact]
    public async Task Skip_invalid_skips_and_counts_bad_rows_and_reports_their_lines()
    {
        var input = fixture.File("mixed.csv");
        var text = new StringBuilder("id,lat,lng\n");
        for (var i = 0; i < 30; i++)
        {
            text.Append(i % 3 == 0 ? $"bad-{i},91,0\n" : $"ok-{i},40,-100\n");
        }

        text.Append("short,40\n").Append("nan,NaN,1\n").Append("comma-decimal,\"40,5\",-100\n");
        await File.WriteAllTextAsync(input, text.ToString());
        var output = fixture.File("mixed-out.csv");

        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, output, "--skip-invalid", "--json"));
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(20, root.GetProperty("rows").GetInt64());
        Assert.Equal(13, root.GetProperty("skipped").GetInt64());
        var lines = root.GetProperty("skipped_rows").EnumerateArray().Select(r => r.GetProperty("line").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(k => 2L + 3 * k).Concat([32, 33, 34]), lines);
        CliAssert.Contains("Skipped 13 invalid rows", result.Error, result);
        CliAssert.Contains("line 32: the row has 2 fields but the header has 3", result.Error, result);
        Assert.Equal(21, ReadCsv(output).Count);
    }

    [Fact]
    public async Task A_header_without_the_needed_columns_or_an_unclosed_quote_is_an_input_error()
    {
        var noHeader = fixture.File("no-header.csv");
        await File.WriteAllTextAsync(noHeader, "name,latitude,longitude\nx,1,2\n");
        var header = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve-csv", noHeader, fixture.File("x.csv")));
        CliAssert.Contains("the header must name the columns id,lat,lng; id, lat, lng are missing", header.Error, header);

        var unclosed = fixture.File("unclosed.csv");
        await File.WriteAllTextAsync(unclosed, "id,lat,lng\n\"open,1,2\nnext,3,4\n");
        var quote = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve-csv", unclosed, fixture.File("y.csv"), "--skip-invalid"));
        CliAssert.Contains("line 2: the quoted field that starts on line 2 is never closed", quote.Error, quote);

        var empty = fixture.File("empty.csv");
        await File.WriteAllTextAsync(empty, "");
        CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve-csv", empty, fixture.File("z.csv")));

        var missing = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve-csv", fixture.File("missing.csv"), fixture.File("z.csv")));
        CliAssert.Contains("missing.csv: no such file", missing.Error, missing);

        var noFolder = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "resolve-csv", noHeader, Path.Combine(fixture.Folder, "no", "such", "out.csv")));
        CliAssert.Contains("does not exist", noFolder.Error, noFolder);
    }

    [Fact]
    public async Task A_file_with_only_a_header_gives_an_output_with_only_a_header()
    {
        var input = fixture.File("header-only.csv");
        await File.WriteAllTextAsync(input, "id,lat,lng\n");
        var output = fixture.File("header-only-out.csv");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, output));
        CliAssert.Contains("Resolved 0 points", result.Out, result);
        Assert.Single(ReadCsv(output));
    }

    [Fact]
    public async Task A_progress_bar_with_the_rate_is_shown_on_a_terminal()
    {
        var input = fixture.File("progress.csv");
        await File.WriteAllLinesAsync(input, ["id,lat,lng", .. Enumerable.Range(0, 20_000).Select(i => $"p{i},40,-100")]);
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(
            new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = fixture.Server.Address.ToString() },
            ["resolve-csv", input, fixture.File("progress-out.csv")], interactive: true));
        CliAssert.Contains("Resolving progress.csv", result.Error, result);
        CliAssert.Contains("20,000 rows", result.Error, result);
        CliAssert.Contains("rows/s", result.Error, result);
        CliAssert.Contains("Resolved 20,000 points", result.Out, result);
    }
}
