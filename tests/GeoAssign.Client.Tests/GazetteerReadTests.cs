// GetPostalCodeAsync and ListPostalCodesAsync (auto-paging) against the US ZIP sample, GetMapInfoAsync's per-country counts, and postal rows in ResolveManyAsync.
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class GazetteerReadTests
{
    private static readonly string ZipSample = Path.Combine(TestDatasets.DataDirectory, "us-zip-sample.tsv");

    [Fact]
    public async Task The_client_reads_one_code_lists_a_prefix_across_pages_and_counts_the_countries()
    {
        var codes = File.ReadAllLines(ZipSample).Select(line => line.Split('\t')[1]).Order(StringComparer.Ordinal).ToList();
        await using var server = await TestServer.StartAsync();
        using var client = server.Client(configure: o => o.PageSize = 3);
        await client.ImportGazetteerAsync(ZipSample);

        var zip = await client.GetPostalCodeAsync("us", "02139-4307");
        Assert.Equal(("US", "02139"), (zip.Country, zip.PostalCode));
        var missing = await Assert.ThrowsAsync<GeoAssignException>(() => client.GetPostalCodeAsync("US", "99999"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("\"99999\"", missing.ServerMessage, StringComparison.Ordinal);

        var listed = new List<string>();
        await foreach (var location in client.ListPostalCodesAsync("US", "021"))
        {
            listed.Add(location.PostalCode);
        }

        Assert.True(listed.Count > 3, $"only {listed.Count} sample ZIPs start 021: the listing never paged");
        Assert.Equal(codes.Where(c => c.StartsWith("021", StringComparison.Ordinal)), listed);

        var info = await client.GetMapInfoAsync();
        Assert.Equal([new GazetteerCountry("US", codes.Count)], info.Gazetteer);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20_000)]
    public async Task Postal_rows_mixed_with_points_resolve_in_order_in_one_batch_or_one_stream(int rows)
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client(configure: o => o.ChunkSize = 1_000);
        await client.ImportGeoJsonAsync(TestData.SamplePath);
        var imported = await client.ImportGazetteerAsync(ZipSample);

        // Every third row a point (Denver), every third a known ZIP+4 (Cambridge, MA), every third an unknown code.
        var input = Enumerable.Range(0, rows).Select(i => (i % 3) switch
        {
            0 => new GeoPoint(39.7392, -104.9903, $"p{i}"),
            1 => GeoPoint.ForPostalCode(i % 2 == 0 ? "us" : "US", "02139-4307", $"z{i}"),
            _ => GeoPoint.ForPostalCode("US", "00000", $"u{i}"),
        });
        var answers = new List<Assignment>();
        await foreach (var answer in client.ResolveManyAsync(input))
        {
            answers.Add(answer);
        }

        Assert.Equal(rows, answers.Count);
        for (var i = 0; i < rows; i++)
        {
            var (id, territory, reason, code) = (answers[i].Id, answers[i].TerritoryId, answers[i].Reason, answers[i].Location?.PostalCode);
            var expected = (i % 3) switch
            {
                0 => ($"p{i}", "08", AssignmentReason.InteriorCell, (string?)null),
                1 => ($"z{i}", "25", AssignmentReason.PostalCode, "02139"),
                _ => ($"u{i}", (string?)null, AssignmentReason.PostalCodeNotFound, (string?)null),
            };
            Assert.Equal(expected, (id, territory, reason, code));
            Assert.Equal(imported.MapVersion, answers[i].MapVersion);
        }
    }
}
