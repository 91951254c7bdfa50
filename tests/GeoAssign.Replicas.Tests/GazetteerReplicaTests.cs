// Postal codes across replicas of one Redis: imported on one, answered by another, and loaded back by a restarted one.
using System.Text;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using Google.Protobuf;

namespace GeoAssign.Replicas.Tests;

[Collection(ReplicaCollection.Name)]
public sealed class GazetteerReplicaTests
{
    [Fact]
    public async Task Postal_codes_imported_on_one_replica_are_answered_by_another_and_by_a_restarted_one()
    {
        // The states extract holds Alaska, Colorado, Hawaii and Virginia: the ZIPs asked lie there.
        await using var cluster = await ReplicaCluster.StartAsync(replicas: 2);
        await cluster.ImportStatesAsync();
        var text = await File.ReadAllBytesAsync(Path.Combine(TestDatasets.DataDirectory, "us-zip-sample.tsv"));
        using (var call = cluster.Territories(0).ImportGazetteer())
        {
            await call.RequestStream.WriteAsync(new ImportGazetteerRequest { Options = new ImportGazetteerOptions { Message = "ZIPs" }, Chunk = ByteString.CopyFrom(text) });
            await call.RequestStream.CompleteAsync();
            var imported = await call;
            Assert.Equal((ulong)Encoding.UTF8.GetString(text).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, imported.TotalCount);

            var answer = await cluster.Assignments(1).ResolveAddressAsync(new ResolveAddressRequest { Country = "US", PostalCode = "80202-1234", MinVersion = imported.MapVersion });
            Assert.Equal(("08", Reason.PostalCode, imported.MapVersion), (answer.Assignment.TerritoryId, answer.Assignment.Reason, answer.Assignment.MapVersion));
        }

        cluster.KillReplica(1);
        await cluster.StartReplicaAsync(1);
        var restarted = await cluster.Assignments(1).ResolveAddressAsync(new ResolveAddressRequest { Country = "US", PostalCode = "99501" });
        Assert.Equal(("02", "Anchorage"), (restarted.Assignment.TerritoryId, restarted.Location.PlaceName));
    }
}
