// ResolveManyAsync: one batch for few points, one bounded duplex stream for many, answers in input order.
using System.Runtime.CompilerServices;
using GeoAssign.Testing.Servers;
using Grpc.Core;

namespace GeoAssign.Client.Tests;

public sealed class ResolveManyTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    // Points scattered over the continental US and the sea around it, so that some are unassigned.
    private static List<GeoPoint> Grid(int count, bool ids = true) =>
        [.. Enumerable.Range(0, count).Select(i => new GeoPoint(22 + (i * 7 % 290) * 0.1, -128 + (i * 13 % 650) * 0.1, ids ? $"p-{i}" : null))];

    private static async Task<List<Assignment>> AllAsync(IAsyncEnumerable<Assignment> results)
    {
        var list = new List<Assignment>();
        await foreach (var result in results)
        {
            list.Add(result);
        }

        return list;
    }

    [Fact]
    public async Task Few_points_go_in_one_batch_and_match_single_lookups_in_order()
    {
        using var client = fixture.Server.Client();
        var points = Grid(200);
        var results = await AllAsync(client.ResolveManyAsync(points));

        Assert.Equal(points.Select(p => p.Id), results.Select(r => r.Id));
        Assert.Contains(results, r => r.IsAssigned);
        Assert.Contains(results, r => !r.IsAssigned);
        foreach (var i in new[] { 0, 57, 131, 199 })
        {
            var single = await client.ResolveAsync(points[i].Lat, points[i].Lng);
            Assert.Equal(single with { Id = points[i].Id }, results[i] with { AncestorIds = single.AncestorIds });
        }
    }

    [Fact]
    public async Task Many_points_stream_in_chunks_and_equal_the_batch_answers_in_input_order()
    {
        using var batchClient = fixture.Server.Client(configure: o => o.BatchThreshold = 10_000);
        using var streamClient = fixture.Server.Client(configure: o =>
        {
            o.BatchThreshold = 100;
            o.ChunkSize = 777;
            o.MaxChunksInFlight = 3;
        });
        var points = Grid(9_000);

        var streamed = await AllAsync(streamClient.ResolveManyAsync(points));
        var batched = await AllAsync(batchClient.ResolveManyAsync(points));

        Assert.Equal(points.Count, streamed.Count);
        for (var i = 0; i < points.Count; i++)
        {
            Assert.Equal(points[i].Id, streamed[i].Id);
            Assert.Equal(batched[i].TerritoryId, streamed[i].TerritoryId);
            Assert.Equal(batched[i].OwnerId, streamed[i].OwnerId);
            Assert.Equal(batched[i].Reason, streamed[i].Reason);
        }

        Assert.Single(streamed.Select(r => r.MapVersion).Distinct());
    }

    [Fact]
    public async Task An_async_source_and_tuples_work_and_an_empty_source_yields_nothing()
    {
        using var client = fixture.Server.Client(configure: o => o.BatchThreshold = 10);
        var results = await AllAsync(client.ResolveManyAsync(SlowSource(50)));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"a-{i}"), results.Select(r => r.Id));

        GeoPoint tuple = ("denver", TestData.DenverLat, TestData.DenverLng);
        GeoPoint anonymous = (TestData.DenverLat, TestData.DenverLng);
        var pair = await AllAsync(client.ResolveManyAsync([tuple, anonymous]));
        Assert.Equal(["08", "08"], pair.Select(r => r.TerritoryId));
        Assert.Equal(["denver", null], pair.Select(r => r.Id));

        Assert.Empty(await AllAsync(client.ResolveManyAsync(Array.Empty<GeoPoint>())));
    }

    private static async IAsyncEnumerable<GeoPoint> SlowSource(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new GeoPoint(TestData.DenverLat, TestData.DenverLng + i * 1e-4, $"a-{i}");
        }
    }

    [Fact]
    public async Task A_bad_point_deep_in_a_stream_is_invalid_argument_naming_its_index()
    {
        using var client = fixture.Server.Client(configure: o =>
        {
            o.BatchThreshold = 10;
            o.ChunkSize = 500;
        });
        var points = Grid(5_000);
        points[3_210] = new GeoPoint(123, 0, "bad");

        var error = await Assert.ThrowsAsync<GeoAssignException>(() => AllAsync(client.ResolveManyAsync(points)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("ResolveStream", error.Method);
        Assert.Contains("3210", error.ServerMessage.Replace(",", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exception_from_the_source_ends_the_call_and_surfaces_as_it_is()
    {
        using var client = fixture.Server.Client(configure: o =>
        {
            o.BatchThreshold = 10;
            o.ChunkSize = 100;
        });
        var error = await Assert.ThrowsAsync<FormatException>(() => AllAsync(client.ResolveManyAsync(Failing(2_500))));
        Assert.Equal("row 2500 is bad", error.Message);

        // Before the first chunk was even sent, too.
        await Assert.ThrowsAsync<FormatException>(() => AllAsync(client.ResolveManyAsync(Failing(5))));

        // The server keeps serving.
        Assert.Equal("08", (await client.ResolveAsync(TestData.DenverLat, TestData.DenverLng)).TerritoryId);

        static IEnumerable<GeoPoint> Failing(int after)
        {
            for (var i = 0; ; i++)
            {
                if (i == after)
                {
                    throw new FormatException($"row {i} is bad");
                }

                yield return new GeoPoint(40, -100);
            }
        }
    }

    [Fact]
    public async Task The_client_reads_at_most_a_few_chunks_ahead_of_its_consumer()
    {
        const int chunk = 200, window = 2;
        using var client = fixture.Server.Client(configure: o =>
        {
            o.BatchThreshold = 10;
            o.ChunkSize = chunk;
            o.MaxChunksInFlight = window;
        });
        var source = new CountingSource(200_000);
        long consumed = 0;
        await foreach (var _ in client.ResolveManyAsync(source))
        {
            consumed++;
            source.Consumed = consumed;
            if (consumed == 5_000)
            {
                // Give the writer every chance to run ahead: it fills its window and then must wait.
                await Eventually.UntilAsync(() => source.Pulled >= consumed + window * chunk, TimeSpan.FromSeconds(10), "the writer fills its window");
            }

            if (consumed == 20_000)
            {
                break;
            }
        }

        // Unanswered chunks in flight, plus the chunk being handed out, plus the one being filled.
        Assert.InRange(source.MaxLead, 0, (window + 2) * chunk);
        Assert.True(source.Pulled < 200_000, "the client must stop reading its source once the consumer stops");
        Assert.True(source.Disposed, "the source is disposed when the consumer stops early");
    }

    /// <summary>Points whose enumeration records how far it ran ahead of the consumer.</summary>
    private sealed class CountingSource(int count) : IEnumerable<GeoPoint>
    {
        private long _pulled;

        public long Consumed { get; set; }

        public long Pulled => Interlocked.Read(ref _pulled);

        public long MaxLead { get; private set; }

        public bool Disposed { get; private set; }

        public IEnumerator<GeoPoint> GetEnumerator()
        {
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var pulled = Interlocked.Increment(ref _pulled);
                    MaxLead = Math.Max(MaxLead, pulled - Consumed);
                    yield return new GeoPoint(TestData.DenverLat, TestData.DenverLng);
                }
            }
            finally
            {
                Disposed = true;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public async Task Breaking_out_early_cancels_the_stream_and_the_client_stays_usable()
    {
        using var client = fixture.Server.Client(configure: o =>
        {
            o.BatchThreshold = 10;
            o.ChunkSize = 100;
        });
        var seen = 0;
        await foreach (var _ in client.ResolveManyAsync(Grid(50_000)))
        {
            if (++seen == 1_000)
            {
                break;
            }
        }

        Assert.Equal(1_000, seen);
        Assert.Equal(3_000, (await AllAsync(client.ResolveManyAsync(Grid(3_000)))).Count);
    }

    [Fact]
    public async Task Cancelling_a_stream_throws_operation_cancelled()
    {
        using var client = fixture.Server.Client(configure: o =>
        {
            o.BatchThreshold = 10;
            o.ChunkSize = 100;
        });
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.ResolveManyAsync(Grid(50_000), cancellationToken: cancel.Token))
            {
                if (++seen == 500)
                {
                    await cancel.CancelAsync();
                }
            }
        });
    }
}
