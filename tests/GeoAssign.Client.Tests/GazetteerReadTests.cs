// GetPostalCodeAsync and ListPostalCodesAsync (auto-paging) against the US ZIP sample, and GetMapInfoAsync's per-country counts.
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
}
