// A million points through ResolveStream and Reassign, answered exactly as the in-process index answers.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Protos.V1;
using GeoAssign.Testing;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class MillionPointTests(UsExtractServer fixture) : IClassFixture<UsExtractServer>
{
    private const int PointCount = 1_000_000;
    private const int ChunkSize = 10_000;

    // The same territories built into an index in this process, as the server built them: one change.
    private static readonly Lazy<TerritoryMap> Expected = new(() =>
        new TerritoryMapWriter().Apply(new MapChange(1, TestDatasets.UsStatesAndCountiesExtract(), [])));

    private static readonly Lazy<List<SamplePoint>> Points = new(() =>
        new PointSampler(TestDatasets.UsStatesAndCountiesExtract(), seed: 11).Mixed(PointCount));

    [Fact]
    public async Task A_million_point_stream_is_answered_exactly_as_the_in_process_index_answers()
    {
        var points = Points.Value;
        var expected = Expected.Value;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var call = fixture.Server.Assignments.ResolveStream(cancellationToken: timeout.Token);

        // Write and read at once, as the protocol requires.
        var writer = Task.Run(async () =>
        {
            for (var start = 0; start < points.Count; start += ChunkSize)
            {
                var chunk = new PointChunk();
                for (var i = start; i < Math.Min(points.Count, start + ChunkSize); i++)
                {
                    chunk.Add(points[i].Lat, points[i].Lng);
                }

                await call.RequestStream.WriteAsync(new ResolveStreamRequest { Points = chunk, Layer = start == 0 ? "geo" : "" }, timeout.Token);
            }

            await call.RequestStream.CompleteAsync();
        });

        long answered = 0;
        var mismatches = new List<string>();
        var versions = new HashSet<ulong>();
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            var response = call.ResponseStream.Current;
            Assert.Equal((ulong)answered, response.FirstIndex);
            var chunk = response.Assignments;
            versions.Add(chunk.MapVersion);
            for (var i = 0; i < chunk.Count; i++)
            {
                var point = points[(int)answered + i];
                expected.TryResolve("geo", point.Lat, point.Lng, out var want);
                var got = chunk.GetTerritory(i);
                if (got?.TerritoryId != want.Territory?.Territory.Id || chunk.Reasons[i] != Reason(want.Reason)
                    || (got is not null && (got.OwnerId != want.Territory!.Territory.OwnerId || !got.AncestorIds.SequenceEqual(want.Territory.AncestorIds))))
                {
                    mismatches.Add($"{point}: server {got?.TerritoryId} {chunk.Reasons[i]}, index {want.Territory?.Territory.Id} {want.Reason}");
                }
            }

            answered += chunk.Count;
        }

        await writer;
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal(PointCount, answered);
        Assert.Empty(mismatches.Take(20));
        Assert.Equal([fixture.Version], versions);
    }

    [Fact]
    public async Task A_million_account_reassignment_reports_exactly_the_changed_accounts_and_the_summary()
    {
        var points = Points.Value;
        var expected = Expected.Value;
        var random = new Random(3);
        var currentOwners = new string[points.Count];
        var expectedChanges = new List<(int Index, string Old, string New, string Territory)>();
        var expectedTransitions = new Dictionary<(string, string), ulong>();
        var unassigned = 0;
        for (var i = 0; i < points.Count; i++)
        {
            expected.TryResolve("geo", points[i].Lat, points[i].Lng, out var lookup);
            var owner = lookup.Territory?.Territory.OwnerId ?? "";
            unassigned += lookup.Territory is null ? 1 : 0;
            // Nine in ten keep their owner; the rest had someone else (or no one).
            currentOwners[i] = random.Next(10) == 0 ? (random.Next(2) == 0 ? "" : $"rep-{random.Next(400):D3}") : owner;
            if (currentOwners[i] != owner)
            {
                expectedChanges.Add((i, currentOwners[i], owner, lookup.Territory?.Territory.Id ?? ""));
                var key = (currentOwners[i], owner);
                expectedTransitions[key] = expectedTransitions.GetValueOrDefault(key) + 1;
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        using var call = fixture.Server.Reassignments.Reassign(cancellationToken: timeout.Token);
        var writer = Task.Run(async () =>
        {
            for (var start = 0; start < points.Count; start += ChunkSize)
            {
                var chunk = new AccountChunk();
                for (var i = start; i < Math.Min(points.Count, start + ChunkSize); i++)
                {
                    chunk.Add($"acct-{i}", points[i].Lat, points[i].Lng, currentOwners[i]);
                }

                await call.RequestStream.WriteAsync(new ReassignRequest { Accounts = chunk }, timeout.Token);
            }

            await call.RequestStream.CompleteAsync();
        });

        var changes = new List<OwnerChange>();
        ReassignSummary? summary = null;
        ulong processed = 0;
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            var response = call.ResponseStream.Current;
            if (response.KindCase == ReassignResponse.KindOneofCase.Summary)
            {
                summary = response.Summary;
                continue;
            }

            Assert.Null(summary);
            Assert.True(response.Changes.ProcessedCount > processed);
            processed = response.Changes.ProcessedCount;
            changes.AddRange(response.Changes.Changes);
        }

        await writer;
        Assert.Equal((ulong)PointCount, processed);
        Assert.NotNull(summary);
        Assert.Equal(expectedChanges.Count, changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var (index, old, owner, territory) = expectedChanges[i];
            var change = changes[i];
            Assert.Equal((ulong)index, change.AccountIndex);
            Assert.Equal($"acct-{index}", change.AccountId);
            Assert.Equal(old, change.OldOwnerId);
            Assert.Equal(owner, change.NewOwnerId);
            Assert.Equal(territory, change.TerritoryId);
        }

        Assert.Equal((ulong)PointCount, summary.TotalCount);
        Assert.Equal((ulong)expectedChanges.Count, summary.ChangedCount);
        Assert.Equal((ulong)(PointCount - expectedChanges.Count), summary.UnchangedCount);
        Assert.Equal((ulong)unassigned, summary.UnassignedCount);
        Assert.Equal(fixture.Version, summary.MapVersion);
        Assert.Equal("geo", summary.Layer);
        var ordered = expectedTransitions
            .OrderByDescending(t => t.Value).ThenBy(t => t.Key.Item1, StringComparer.Ordinal).ThenBy(t => t.Key.Item2, StringComparer.Ordinal)
            .Select(t => (t.Key.Item1, t.Key.Item2, t.Value));
        Assert.Equal(ordered, summary.Transitions.Select(t => (t.OldOwnerId, t.NewOwnerId, t.Count)));
    }

    private static Protos.V1.Reason Reason(Index.Cells.AssignmentReason reason) => reason switch
    {
        Index.Cells.AssignmentReason.InteriorCell => Protos.V1.Reason.InteriorCell,
        Index.Cells.AssignmentReason.ExactTest => Protos.V1.Reason.ExactTest,
        _ => Protos.V1.Reason.Unassigned,
    };
}
