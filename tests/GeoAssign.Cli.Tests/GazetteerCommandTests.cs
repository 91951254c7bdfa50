// geoassign gazetteer import: the sample imports with its counts (map info shows them), bad rows are printed by line, and the JSON form.
using System.Text.Json;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class GazetteerCommandTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private static readonly string ZipSample = Path.Combine(TestDatasets.DataDirectory, "us-zip-sample.tsv");

    [Fact]
    public async Task Import_of_the_zip_sample_prints_the_counts_then_replace_reports_the_codes_it_removed()
    {
        var rows = File.ReadAllLines(ZipSample).Length;
        // On a terminal, with the upload's progress in bytes.
        var imported = CliAssert.Exit(0, await CliRunner.RunAsync(new Dictionary<string, string?> { [GeoAssignCli.UrlVariable] = fixture.Server.Address.ToString() },
            ["gazetteer", "import", ZipSample, "--message", "ZIPs"], interactive: true));
        CliAssert.Contains($"{rows:N0} rows, US): {rows:N0} created, 0 updated, 0 deleted; {rows:N0} postal codes in all. Map version", imported.Out, imported);
        CliAssert.Contains("Uploading us-zip-sample.tsv", imported.Error, imported);
        CliAssert.Contains("181.9 KiB", imported.Error, imported);
        var info = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "map", "info"));
        CliAssert.Contains($"US {rows:N0}", info.Out, info);

        var one = fixture.File("one.tsv");
        await File.WriteAllTextAsync(one, "US\t02139-4307\tCambridge\tMassachusetts\tMA\t\t\t\t\t42.3647\t-71.1042\t\n");
        var replaced = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "gazetteer", "import", one, "--replace", "--json"));
        var root = JsonDocument.Parse(replaced.Out).RootElement;
        Assert.Equal((1, 0, 1, rows - 1, 1), (root.GetProperty("rows").GetInt32(), root.GetProperty("created").GetInt32(),
            root.GetProperty("updated").GetInt32(), root.GetProperty("deleted").GetInt32(), root.GetProperty("total").GetInt32()));
        Assert.Equal(["US"], root.GetProperty("countries").EnumerateArray().Select(c => c.GetString()));

        var infoJson = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "map", "info", "--json"));
        var gazetteer = JsonDocument.Parse(infoJson.Out).RootElement.GetProperty("gazetteer").EnumerateArray()
            .Select(c => (c.GetProperty("country").GetString(), c.GetProperty("postal_code_count").GetInt32()));
        Assert.Equal([("US", 1)], gazetteer);
    }

    [Fact]
    public async Task A_file_with_bad_rows_prints_every_bad_line_under_the_files_name_and_changes_nothing()
    {
        using var client = fixture.Server.Client();
        var before = (await client.GetMapInfoAsync()).MapVersion;
        var bad = fixture.File("bad.tsv");
        await File.WriteAllTextAsync(bad, "US\t10001\tNew York\t\t\t\t\t\t\t40.75\t-73.99\t\nXYZ\t10002\t\t\t\t\t\t\t\t40.7\t-73.9\t\nUS,10003,comma separated\n");
        var result = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "gazetteer", "import", bad));
        CliAssert.Contains("bad.tsv: 2 problems in the postal-code file, nothing was changed:", result.Error, result);
        CliAssert.Contains("  bad.tsv line 2: country code \"XYZ\"", result.Error, result);
        CliAssert.Contains("  bad.tsv line 3: has 1 tab-separated fields", result.Error, result);
        CliAssert.Contains("hint: Fix these rows", result.Error, result);
        Assert.Equal(before, (await client.GetMapInfoAsync()).MapVersion);
    }
}
