// geoassign resolve-csv with country,postal_code columns: each row at its gazetteer point, unknown codes marked, input order kept.
using System.Text;
using System.Text.Json;
using GeoAssign.Client;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class ResolveCsvByPostalCodeTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    [Fact]
    public async Task Rows_with_postal_codes_resolve_at_their_gazetteer_point_in_input_order_and_unknown_codes_are_marked()
    {
        using var client = fixture.Server.Client();
        var text = "US\t80202\tDenver\tColorado\tCO\t\t\t\t\t39.7494\t-104.9951\t\nUS\t02139\tCambridge\tMassachusetts\tMA\t\t\t\t\t42.3647\t-71.1042\t\n"
            + "GB\tSW1A 1AA\tLondon\t\t\t\t\t\t\t51.501\t-0.1416\t\n";
        await client.ImportGazetteerAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        var input = fixture.File("addresses.csv");
        // Forty rows, so that more than the calls in flight are answered and must come back in order.
        var lines = new List<string> { "id,country,postal_code,note" };
        for (var i = 0; i < 10; i++)
        {
            lines.AddRange([$"d{i},us,80202-1234,x", $"c{i},US, 02139 ,x", $"g{i},gb,sw1a1aa,x", $"u{i},US,99999,x"]);
        }

        lines.Add("bad,US,,x");
        await File.WriteAllLinesAsync(input, lines);
        var output = fixture.File("addresses-out.csv");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, output, "--skip-invalid", "--json"));
        var summary = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal((40, 20, 10, 10, 1), (summary.GetProperty("rows").GetInt32(), summary.GetProperty("assigned").GetInt32(),
            summary.GetProperty("unassigned").GetInt32(), summary.GetProperty("postal_code_not_found").GetInt32(), summary.GetProperty("skipped").GetInt32()));

        var rows = (await File.ReadAllLinesAsync(output)).Select(l => l.Split(',')).ToList();
        Assert.Equal("id,territory_id,owner_id,reason,map_version,postal_code,lat,lng", string.Join(',', rows[0]));
        Assert.Equal(lines.Skip(1).SkipLast(1).Select(l => l.Split(',')[0]), rows.Skip(1).Select(r => r[0]));
        var denver = rows.Single(r => r[0] == "d3");
        Assert.Equal(("08", "postal_code", "80202", "39.7494", "-104.9951"), (denver[1], denver[3], denver[5], denver[6], denver[7]));
        Assert.Equal(("25", "02139"), (rows.Single(r => r[0] == "c0")[1], rows.Single(r => r[0] == "c0")[5]));
        // London lies in no US state: unassigned, with the point used.
        Assert.Equal(("", "unassigned", "SW1A 1AA"), (rows.Single(r => r[0] == "g9")[1], rows.Single(r => r[0] == "g9")[3], rows.Single(r => r[0] == "g9")[5]));
        Assert.Equal(("", "postal_code_not_found", ""), (rows.Single(r => r[0] == "u5")[1], rows.Single(r => r[0] == "u5")[3], rows.Single(r => r[0] == "u5")[5]));
        CliAssert.Contains("line 42: postal_code is empty", result.Error, result);
    }
}
