using System.Diagnostics;
using System.Runtime.CompilerServices;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using Xunit;
using Xunit.Abstractions;

namespace GeoAssign.Index.Tests.GeoJson;

// The memory measurement reads the whole managed heap, so nothing else may run beside it.
[Collection(MemoryMeasurementCollection.Name)]
public sealed class GeoJsonStreamingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Reading_in_any_chunk_size_gives_the_same_territories(int chunk)
    {
        var path = Path.Combine(TestDatasets.DataDirectory, "us-states-extract.geojson");
        var bytes = File.ReadAllBytes(path);

        var result = new TerritoryGeoJsonReader().Import(new TrickleStream(bytes, chunk));

        Assert.True(result.IsValid, result.Validation.ToString());
        Assert.Equal(TestDatasets.UsStatesExtract(), result.Territories);
    }

    [Fact]
    public async Task Problems_found_in_a_trickled_stream_name_the_same_features()
    {
        var json = """{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":null,"properties":{}},{"type":"Feature","id":"b","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"owner_id":"r","priority":"x"}}]}""";
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);

        var whole = new TerritoryGeoJsonReader().ImportString(json);
        var trickled = await new TerritoryGeoJsonReader().ImportAsync(new TrickleStream(bytes, 3));

        Assert.Equal(whole.Problems.Select(p => p.Message), trickled.Problems.Select(p => p.Message));
        Assert.Equal(3, whole.Problems.Count);
    }

    // About 50 MB of GeoJSON: high-vertex synthetic territories, written to a temporary file. In a
    // method of its own so that nothing of the generated territories stays reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string WriteFiftyMegabytes()
    {
        var territories = SyntheticTerritories.Generate(SyntheticRegion.AroundPentagonNorway,
            new SyntheticMapOptions { CellCount = 150, VerticesPerEdge = 1500, OverlayCount = 0, Seed = 11 });
        var path = Path.Combine(Path.GetTempPath(), $"geoassign-big-{Environment.ProcessId}-{Guid.NewGuid():N}.geojson");
        using var file = File.Create(path);
        TerritoryGeoJsonWriter.Write(file, territories);
        return path;
    }

    [Fact]
    public void A_50_MB_feature_collection_is_read_with_a_small_buffer_and_memory_proportional_to_the_result()
    {
        var path = WriteFiftyMegabytes();
        try
        {
            var fileBytes = new FileInfo(path).Length;
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var stopwatch = Stopwatch.StartNew();
            GeoJsonImportResult result;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
            {
                result = new TerritoryGeoJsonReader().Import(stream);
            }

            stopwatch.Stop();
            var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            var vertices = result.Territories.Sum(t => (long)t.Geometry.NumPoints);
            output.WriteLine($"{fileBytes / 1e6:F1} MB, {result.Territories.Count} territories, {vertices:N0} vertices, " +
                $"read in {stopwatch.ElapsedMilliseconds} ms, {retained / 1e6:F1} MB retained, largest buffer {result.LargestBufferBytes / 1e6:F2} MB");

            Assert.True(result.IsValid, result.Validation.ToString());
            Assert.InRange(fileBytes, 40_000_000, 80_000_000);
            Assert.True(result.LargestBufferBytes <= 4 * 1024 * 1024, $"buffer grew to {result.LargestBufferBytes} bytes");
            // Packed coordinates: 16 bytes a vertex against about 38 in the JSON.
            Assert.InRange(retained, vertices * 16, fileBytes);
            GC.KeepAlive(result);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>Tests that measure the process's managed heap run alone, not in parallel with other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement";
}
