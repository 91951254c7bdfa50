// The quick-start sample imports as it ships; lookups and edits show up in the GeoAssign meter.
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;
using Google.Protobuf;

namespace GeoAssign.Server.Tests;

public sealed class SampleAndMetricsTests
{
    [Fact]
    public async Task The_us_states_sample_imports_and_resolves_a_point_in_California()
    {
        var sample = Path.Combine(TestDatasets.RepositoryRoot, "server", "GeoAssign.Server", "samples", "us-states.geojson");
        Assert.True(new FileInfo(sample).Length < 2 * 1024 * 1024, "the sample must stay under 2 MB");
        await using var server = await TestServer.StartAsync();
        var import = await server.Territories.ImportGeoJsonAsync(new ImportGeoJsonRequest
        {
            FeatureCollection = ByteString.CopyFrom(await File.ReadAllBytesAsync(sample)),
        });
        Assert.Equal(56u, import.Summary.CreatedCount);

        // Sacramento.
        var answer = await server.Assignments.ResolveAsync(new ResolveRequest { Lat = 38.5816, Lng = -121.4944, MinVersion = import.Summary.MapVersion });
        Assert.Equal("06", answer.Assignment.TerritoryId);
        Assert.StartsWith("rep-", answer.Assignment.OwnerId);
    }

    [Fact]
    public async Task Lookups_edits_and_the_map_version_are_measured()
    {
        var measured = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "GeoAssign")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += $"|{tag.Key}={tag.Value}";
            }

            measured.AddOrUpdate(key, value, (_, old) => instrument.Name.StartsWith("geoassign.map", StringComparison.Ordinal) ? Math.Max(old, value) : old + value);
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => measured.AddOrUpdate(instrument.Name, 1, (_, old) => old + 1));
        listener.Start();

        await using var server = await TestServer.StartAsync();
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("m-1", Shapes.Square(0, 0, 1)) } });
        var points = new PointChunk();
        points.Add(0.5, 0.5);
        points.Add(50, 50);
        await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = points });
        listener.RecordObservableInstruments();

        Assert.True(measured.GetValueOrDefault("geoassign.edits|rpc=UpsertTerritories|outcome=applied") >= 1);
        Assert.True(measured.GetValueOrDefault("geoassign.lookups|rpc=ResolveBatch|reason=unassigned") >= 1);
        Assert.True(measured.GetValueOrDefault("geoassign.lookup.duration") >= 1);
        Assert.True(measured.GetValueOrDefault("geoassign.map.version") >= 1);
    }
}
