// The map page's accounts: a CSV of id,lat,lng resolved with ResolveBatch, coloured by owner, counted, overrides marked.
using System.Text;
using System.Text.Json;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Microsoft.Playwright;

namespace GeoAssign.MapPage.Tests;

public sealed partial class MapPageTests
{
    private const string AccountsCsv = """
        id,lat,lng
        den-1,39.7392,-104.9903
        den-2,39.70,-104.95
        nyc-1,40.7128,-74.0060
        nyc-2,40.75,-73.99
        chi-1,41.8781,-87.6298
        sea-1,30,-60
        broken,north,1

        """;

    [Fact]
    public async Task Accounts_from_a_csv_are_coloured_by_owner_counted_and_overrides_marked_as_ResolveBatch_answers()
    {
        await using var server = await TestServer.StartAsync(http1: true);
        await server.ImportAsync(TestData.SampleTerritories);
        var accounts = new AccountService.AccountServiceClient(server.Channel);
        var version = (await accounts.UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides = { new AccountOverride { AccountId = "den-2", OwnerId = "rep-key-accounts" } },
        })).MapVersion;
        await using var session = await OpenAsync(server, version);
        var page = session.Page;

        await page.SetInputFilesAsync("#accounts-file", new FilePayload { Name = "accounts.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(AccountsCsv) });
        await page.WaitForFunctionAsync("() => window.geoassignMap.accounts !== null", null, Wait);
        var shown = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.geoassignMap.accounts)")).RootElement;

        // What ResolveBatch says for the same points with the ids as account ids.
        var rows = AccountsCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).SkipLast(1)
            .Select(line => line.Split(',')).Select(f => (Id: f[0], Lat: double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), Lng: double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var batch = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest
        {
            Points = new PointChunk { Lat = { rows.Select(r => r.Lat) }, Lng = { rows.Select(r => r.Lng) }, AccountIds = { rows.Select(r => r.Id) } },
        })).Assignments;
        var points = shown.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(rows.Select(r => r.Id), points.Select(p => p.GetProperty("id").GetString()));
        for (var i = 0; i < rows.Count; i++)
        {
            var answer = batch.GetAssignment(i);
            Assert.Equal(OwnerOf(batch, i), points[i].GetProperty("owner").GetString());
            Assert.Equal(answer.TerritoryId, points[i].GetProperty("territoryId").GetString());
            var reason = Assignment.Descriptor.FindFieldByName("reason").EnumType.FindValueByNumber((int)answer.Reason).Name;
            Assert.Equal(reason, points[i].GetProperty("reason").GetString());
            Assert.Equal(answer.Reason == Reason.AccountOverride, points[i].GetProperty("override").GetBoolean());
        }

        // den-2 is owned by its override; the ocean point by nobody; the bad line is named.
        Assert.Equal("rep-key-accounts", points[1].GetProperty("owner").GetString());
        Assert.Equal("REASON_ACCOUNT_OVERRIDE", points[1].GetProperty("reason").GetString());
        Assert.Equal("", points[5].GetProperty("owner").GetString());
        Assert.Equal([8], shown.GetProperty("problems").EnumerateArray().Select(p => p.GetInt32()));

        // The counts per owner.
        var expectedCounts = Enumerable.Range(0, rows.Count).GroupBy(i => OwnerOf(batch, i)).ToDictionary(g => g.Key, g => g.Count());
        var table = page.Locator("#accounts-counts tbody tr");
        Assert.Equal(expectedCounts.Count, await table.CountAsync());
        foreach (var (owner, count) in expectedCounts)
        {
            var row = page.Locator($"#accounts-counts tbody tr[data-owner='{owner}']");
            Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), await row.GetAttributeAsync("data-accounts"));
            Assert.Equal(owner == "rep-key-accounts" ? "1" : "0", await row.GetAttributeAsync("data-overrides"));
        }

        var summary = await page.InnerTextAsync("#accounts-summary");
        Assert.Contains("6 accounts", summary, StringComparison.Ordinal);
        Assert.Contains("1 owned by an override", summary, StringComparison.Ordinal);
        Assert.Contains("8", summary, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ArtifactsDirectory, "map-page-accounts.png") });

        // Dropped on the map instead: the same page replaces the points with the dropped file's.
        await page.EvaluateAsync("""
            text => {
              const transfer = new DataTransfer();
              transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
              document.querySelector('#map').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }
            """, "id,lat,lng\nden-2,39.70,-104.95\n");
        await page.WaitForFunctionAsync("() => window.geoassignMap.accounts.file === 'dropped.csv'", null, Wait);
        Assert.Equal(1, await table.CountAsync());
        Assert.Equal("rep-key-accounts", await table.GetAttributeAsync("data-owner"));
        session.AssertNoErrors();
    }

    // The owner of point i: its override's when one decided.
    private static string OwnerOf(AssignmentChunk chunk, int i) => chunk.GetAssignment(i).OwnerId;
}
