// geoassign overrides import|list|get|delete, and the lookups that name accounts: resolve --account, resolve-csv, reassign.
using System.Text.Json;
using GeoAssign.Client;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Cli.Tests;

public sealed class OverridesCommandTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private const string Header = "account_id,owner_id,territory_id,valid_from,valid_until,protected,reason";
    private const double AustinLat = 30.2672, AustinLng = -97.7431;

    private static string OwnerOf(string territory) => TestData.SampleTerritories.Single(t => t.Id == territory).OwnerId!;

    private async Task<string> FileAsync(string name, params string[] lines)
    {
        var path = fixture.File(name);
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    private async Task<List<AccountOverride>> ListAsync()
    {
        using var client = fixture.Server.Client();
        var list = new List<AccountOverride>();
        await foreach (var entry in client.ListOverridesAsync())
        {
            list.Add(entry);
        }

        return list;
    }

    [Fact]
    public async Task Import_merges_then_replace_leaves_exactly_the_file_and_prints_the_counts_and_the_version()
    {
        var first = await FileAsync("merge.csv", Header, "imp-a,rep-1,08,2027-01-01,,yes,\"key, account\"", "imp-b,rep-2,,,,,", "imp-c,rep-3,,,,,");
        var merged = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "import", first, "--message", "first batch"));
        CliAssert.Contains("3 rows): 3 created, 0 updated, 0 deleted. Map version", merged.Out, merged);

        using var client = fixture.Server.Client();
        var version = (await client.GetMapInfoAsync()).MapVersion;
        var others = (await ListAsync()).Count(o => !o.AccountId.StartsWith("imp-", StringComparison.Ordinal));
        var second = await FileAsync("replace.csv", "owner_id,account_id", "rep-9,imp-b", "rep-9,imp-d");
        var replaced = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "import", second, "--replace",
            "--expected-version", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json"));
        var root = JsonDocument.Parse(replaced.Out).RootElement;
        Assert.Equal((2, 1, 1, 2 + others), (root.GetProperty("rows").GetInt32(), root.GetProperty("created").GetInt32(),
            root.GetProperty("updated").GetInt32(), root.GetProperty("deleted").GetInt32()));
        Assert.Equal(version + 1, root.GetProperty("map_version").GetUInt64());
        Assert.Equal([("imp-b", "rep-9"), ("imp-d", "rep-9")], (await ListAsync()).Select(o => (o.AccountId, o.OwnerId)));

        var stale = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "overrides", "import", first,
            "--expected-version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        CliAssert.Contains("not at the expected version", stale.Error, stale);
    }

    [Fact]
    public async Task A_csv_with_bad_rows_prints_every_bad_line_under_the_files_name_and_changes_nothing()
    {
        using var client = fixture.Server.Client();
        var before = (await client.GetMapInfoAsync()).MapVersion;
        var bad = await FileAsync("bad-rows.csv", Header, "bad-1,rep-1,,,,,", "bad-2,,,,,,", "bad-3,rep-1,,2027-13-01,,,", "bad-4,rep-1,,,,perhaps,");
        var result = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "overrides", "import", bad));
        CliAssert.Contains("bad-rows.csv: 3 problems in the CSV, nothing was changed:", result.Error, result);
        CliAssert.Contains("  bad-rows.csv line 3: owner_id", result.Error, result);
        CliAssert.Contains("  bad-rows.csv line 4: valid_from \"2027-13-01\"", result.Error, result);
        CliAssert.Contains("  bad-rows.csv line 5: protected \"perhaps\"", result.Error, result);
        CliAssert.Contains("hint: Fix these rows (line 1 is the header", result.Error, result);

        var territory = await FileAsync("bad-territory.csv", "account_id,owner_id,territory_id", "bad-5,rep-1,08", "bad-6,rep-1,atlantis");
        var missing = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "overrides", "import", territory));
        CliAssert.Contains("  bad-territory.csv line 3: territory_id \"atlantis\" names no territory", missing.Error, missing);
        CliAssert.Contains("Create the territories", missing.Error, missing);

        Assert.Equal(before, (await client.GetMapInfoAsync()).MapVersion);
        var none = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "overrides", "import", fixture.File("no-such.csv")));
        CliAssert.Contains("no such file", none.Error, none);
    }

    [Fact]
    public async Task List_pages_through_every_override_filters_them_and_writes_a_csv_that_imports_back_unchanged()
    {
        // 1,200 overrides: more than one page at the server's cap of 1,000.
        var now = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, 1_200).Select(i =>
            $"list-{i:D4},{(i % 5 == 0 ? "rep-fifth" : "rep-list")},,,{(i % 4 == 1 ? now.AddDays(20).ToString("O") : i % 4 == 2 ? now.AddDays(40).ToString("O") : "")},{(i % 3 == 0 ? "true" : "")},").ToArray();
        var input = await FileAsync("list.csv", [Header, .. rows]);
        var imported = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "import", input, "--replace"));
        CliAssert.Contains("1,200 rows): 1,200 created", imported.Out, imported);

        var json = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--json"));
        var listed = JsonDocument.Parse(json.Out).RootElement.EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 1_200).Select(i => $"list-{i:D4}"), listed.Select(e => e.GetProperty("account_id").GetString()));
        Assert.Equal(Enumerable.Range(0, 1_200).Select(i => i % 3 == 0), listed.Select(e => e.GetProperty("protected").GetBoolean()));

        var fifth = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--owner", "rep-fifth"));
        CliAssert.Contains("240 overrides to rep-fifth.", fifth.Out, fifth);
        CliAssert.Contains("list-1195", fifth.Out, fifth);
        Assert.DoesNotContain("list-1196", fifth.Out, StringComparison.Ordinal);

        var soon = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--expiring-within", "30d", "--json"));
        Assert.Equal(Enumerable.Range(0, 1_200).Where(i => i % 4 == 1).Select(i => $"list-{i:D4}"),
            JsonDocument.Parse(soon.Out).RootElement.EnumerateArray().Select(e => e.GetProperty("account_id").GetString()));
        var both = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--owner", "rep-fifth", "--expiring-within", "1d12h"));
        CliAssert.Contains("No overrides to rep-fifth expiring within 1 d 12 h.", both.Out, both);

        var output = fixture.File("list-out.csv");
        var written = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--csv", output));
        CliAssert.Contains("Wrote 1,200 overrides to list-out.csv.", written.Out, written);
        var csv = ResolveCsvCommandTests.ReadCsv(output);
        Assert.Equal(Header.Split(','), csv[0]);
        Assert.Equal(1_201, csv.Count);
        Assert.Equal(["list-0001", "rep-list", "", "", DateTimeOffset.Parse(rows[1].Split(',')[4], System.Globalization.CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture), "false", ""], csv[2]);
        var again = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "import", output, "--replace", "--json"));
        var root = JsonDocument.Parse(again.Out).RootElement;
        Assert.Equal((0, 1_200, 0), (root.GetProperty("created").GetInt32(), root.GetProperty("updated").GetInt32(), root.GetProperty("deleted").GetInt32()));
        Assert.Equal(listed.Select(e => e.ToString()), JsonDocument.Parse(CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--json")).Out)
            .RootElement.EnumerateArray().Select(e => e.ToString()));

        var badDuration = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--expiring-within", "30 days"));
        CliAssert.Contains("--expiring-within \"30 days\" is not a duration", badDuration.Error, badDuration);
        var exclusive = CliAssert.Exit(1, await CliRunner.RunAsync(fixture.Server, "overrides", "list", "--json", "--csv", output));
        CliAssert.Contains("mutually exclusive", exclusive.Error, exclusive);
    }

    [Fact]
    public async Task Get_shows_one_override_and_delete_removes_overrides_failing_on_a_missing_account_unless_allowed()
    {
        var input = await FileAsync("get.csv", Header, "get-a,rep-get,08,,2099-01-01,true,renewal", "get-b,rep-get,,2099-01-01,,,");
        CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "import", input));

        var human = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "get", "get-a"));
        CliAssert.Contains("rep-get", human.Out, human);
        CliAssert.Contains("2099-01-01 00:00:00 UTC", human.Out, human);
        CliAssert.Contains("yes (kept through realignment)", human.Out, human);
        CliAssert.Contains("renewal", human.Out, human);
        var json = JsonDocument.Parse(CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "get", "get-b", "--json")).Out).RootElement;
        Assert.Equal(("2099-01-01T00:00:00Z", false, false), (json.GetProperty("valid_from").GetString(), json.GetProperty("in_force").GetBoolean(),
            json.GetProperty("protected").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("valid_until").ValueKind);

        var missing = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "overrides", "delete", "get-a", "get-none"));
        CliAssert.Contains("get-none", missing.Error, missing);
        CliAssert.Contains("--allow-missing", missing.Error, missing);
        var deleted = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "delete", "get-a", "get-none", "--allow-missing", "--message", "lost"));
        CliAssert.Contains("Deleted 1 override. Map version", deleted.Out, deleted);
        var gone = CliAssert.Exit(2, await CliRunner.RunAsync(fixture.Server, "overrides", "get", "get-a"));
        CliAssert.Contains("NOT_FOUND", gone.Error, gone);
        CliAssert.Contains("overrides list", gone.Error, gone);
    }

    [Fact]
    public async Task Resolve_csv_reads_an_account_id_column_and_writes_the_override_columns()
    {
        var overrides = await FileAsync("resolve-overrides.csv", Header, "rc-key,rep-key,48,,,true,", "rc-plain,rep-hand,,,,,");
        CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "import", overrides));
        var input = await FileAsync("resolve-accounts.csv",
            "id,lat,lng,Account_ID",
            $"p1,{TestData.DenverLat},{TestData.DenverLng},rc-key",
            $"p2,{TestData.DenverLat},{TestData.DenverLng},rc-none",
            $"p3,{AustinLat},{AustinLng},",
            $"p4,{AustinLat},{AustinLng}, rc-plain ",
            "p5,0,0,rc-key");
        var output = fixture.File("resolve-accounts-out.csv");
        var result = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, output));
        CliAssert.Contains("4 assigned, 1 unassigned, 3 owned by an account override", result.Out, result);

        var rows = ResolveCsvCommandTests.ReadCsv(output);
        Assert.Equal(["id", "territory_id", "owner_id", "reason", "map_version", "territory_owner_id", "override_territory_id", "protected"], rows[0]);
        string[] Row(int i) => [.. rows[i].Take(4), .. rows[i].Skip(5)];
        Assert.Equal(["p1", "08", "rep-key", "account_override", OwnerOf("08"), "48", "true"], Row(1));
        Assert.Equal(["p2", "08", OwnerOf("08"), rows[2][3], OwnerOf("08"), "", ""], Row(2));
        Assert.NotEqual("account_override", rows[2][3]);
        Assert.Equal(["p3", "48", OwnerOf("48"), rows[3][3], OwnerOf("48"), "", ""], Row(3));
        Assert.Equal(["p4", "48", "rep-hand", "account_override", OwnerOf("48"), "", "false"], Row(4));
        Assert.Equal(["p5", "", "rep-key", "account_override", "", "48", "true"], Row(5));

        var json = JsonDocument.Parse(CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve-csv", input, output, "--json")).Out).RootElement;
        Assert.Equal(3, json.GetProperty("overridden").GetInt32());

        var single = JsonDocument.Parse(CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "resolve",
            TestData.DenverLat.ToString(System.Globalization.CultureInfo.InvariantCulture), TestData.DenverLng.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--account", "rc-key", "--json")).Out).RootElement;
        Assert.Equal(("rep-key", OwnerOf("08"), "account_override"), (single.GetProperty("owner_id").GetString(), single.GetProperty("territory_owner_id").GetString(),
            single.GetProperty("reason").GetString()));
        Assert.True(single.GetProperty("override").GetProperty("protected").GetBoolean());
    }

    [Fact]
    public async Task Reassign_treats_id_as_the_account_keeps_protected_accounts_and_prints_the_tally()
    {
        var overrides = await FileAsync("reassign-overrides.csv", Header, "ra-kept,rep-keeper,,,,true,", "ra-moved,rep-keeper,,,,true,", "ra-hand,rep-hand,,,,false,");
        CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "overrides", "import", overrides));
        var input = await FileAsync("reassign-accounts.csv",
            "id,lat,lng,current_owner_id",
            $"ra-kept,{TestData.DenverLat},{TestData.DenverLng},rep-keeper",
            $"ra-moved,{AustinLat},{AustinLng},rep-someone",
            $"ra-hand,{TestData.DenverLat},{TestData.DenverLng},rep-hand",
            $"ra-geo,{TestData.DenverLat},{TestData.DenverLng},rep-someone");
        var output = fixture.File("reassign-out.csv");

        var human = CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "reassign", input, output));
        CliAssert.Contains("Kept by override", human.Out, human);
        CliAssert.Contains("rep-keeper", human.Out, human);
        Assert.Matches(@"Kept by override\s+2\s", human.Out);
        Assert.Equal([["id", "old_owner_id", "new_owner_id", "territory_id"], ["ra-moved", "rep-someone", "rep-keeper", "48"], ["ra-geo", "rep-someone", OwnerOf("08"), "08"]],
            ResolveCsvCommandTests.ReadCsv(output));

        var json = JsonDocument.Parse(CliAssert.Exit(0, await CliRunner.RunAsync(fixture.Server, "reassign", input, output, "--json")).Out).RootElement;
        Assert.Equal(2, json.GetProperty("kept_by_override").GetInt32());
        Assert.Equal([("rep-keeper", 2)], json.GetProperty("kept_by_override_owners").EnumerateArray()
            .Select(t => (t.GetProperty("owner_id").GetString(), t.GetProperty("count").GetInt32())));
        Assert.Equal(2, json.GetProperty("changed").GetInt32());
    }
}
