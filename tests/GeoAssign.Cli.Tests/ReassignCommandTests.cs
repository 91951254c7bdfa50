// geoassign reassign: only the changed accounts in the output file, the summary on stdout.
using System.Text.Json;
using GeoAssign.Client;

namespace GeoAssign.Cli.Tests;

public sealed class ReassignCommandTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private async Task<(string Path, List<Account> Accounts)> AccountsFileAsync(string name, int count)
    {
        var accounts = Enumerable.Range(0, count)
            .Select(i => new Account($"acct {i}, \"q\"", 25 + (i * 7 % 230) * 0.1, -124 + (i * 13 % 560) * 0.1, i % 4 == 0 ? "" : $"rep-{i % 9:D3}"))
            .ToList();
        var path = fixture.File(name);
        await File.WriteAllLinesAsync(path, ["id,lat,lng,current_owner_id",
            .. accounts.Select(a => $"\"{a.Id.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{a.Lat:R},{a.Lng:R},{a.CurrentOwnerId}")]);
        return (path, accounts);
    }

    [Fact]
    public async Task The_output_holds_exactly_the_changed_accounts_and_the_json_summary_matches_the_client()
    {
        var (input, accounts) = await AccountsFileAsync("accounts.csv", 3_000);
        var output = fixture.File("changes.csv");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "reassign", input, output, "--json"));

        using var client = fixture.Server.Client();
        var run = client.ReassignAsync(accounts);
        var changes = new List<OwnerChange>();
        await foreach (var change in run)
        {
            changes.Add(change);
        }

        var rows = ResolveCsvCommandTests.ReadCsv(output);
        Assert.Equal(["id", "old_owner_id", "new_owner_id", "territory_id"], rows[0]);
        Assert.Equal(changes.Select(c => new List<string> { c.AccountId, c.OldOwnerId ?? "", c.NewOwnerId ?? "", c.TerritoryId ?? "" }), rows.Skip(1));

        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        var summary = run.Summary!;
        Assert.Equal(summary.TotalCount, root.GetProperty("total").GetInt64());
        Assert.Equal(summary.ChangedCount, root.GetProperty("changed").GetInt64());
        Assert.Equal(summary.UnchangedCount, root.GetProperty("unchanged").GetInt64());
        Assert.Equal(summary.UnassignedCount, root.GetProperty("unassigned").GetInt64());
        Assert.Equal(summary.MapVersion, root.GetProperty("map_version").GetUInt64());
        Assert.Equal("geo", root.GetProperty("layer").GetString());
        var transitions = root.GetProperty("transitions").EnumerateArray()
            .Select(t => (t.GetProperty("old_owner_id").GetString(), t.GetProperty("new_owner_id").GetString(), t.GetProperty("count").GetInt64()));
        Assert.Equal(summary.Transitions.Select(t => (t.OldOwnerId, t.NewOwnerId, t.Count)), transitions);
    }

    [Fact]
    public async Task The_human_summary_shows_the_totals_and_a_table_of_moves()
    {
        var (input, _) = await AccountsFileAsync("accounts-human.csv", 500);
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "reassign", input, fixture.File("changes-human.csv")));
        CliAssert.Contains("Checked 500 accounts from accounts-human.csv against map version 1 (layer geo)", result.Out, result);
        CliAssert.Contains("Changed owner", result.Out, result);
        CliAssert.Contains("Unchanged", result.Out, result);
        CliAssert.Contains("Unassigned", result.Out, result);
        CliAssert.Contains("Old owner", result.Out, result);
        CliAssert.Contains("(none)", result.Out, result);
    }

    [Fact]
    public async Task An_account_without_an_id_is_a_bad_row_and_a_missing_column_a_bad_header()
    {
        var input = fixture.File("no-id.csv");
        await File.WriteAllTextAsync(input, "id,lat,lng,current_owner_id\na,40,-100,rep-1\n,40,-100,rep-2\n");
        var result = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "reassign", input, fixture.File("no-id-out.csv")));
        CliAssert.Contains("no-id.csv line 3: the account id is empty", result.Error, result);

        var header = fixture.File("no-owner.csv");
        await File.WriteAllTextAsync(header, "id,lat,lng\na,40,-100\n");
        var bad = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "reassign", header, fixture.File("no-owner-out.csv")));
        CliAssert.Contains("current_owner_id is missing", bad.Error, bad);
    }
}
