// The replica core on its own, with the real embedded store: load, edit -> append -> apply, conflicts, waits, history.
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Index.Validation;
using GeoAssign.Replication.Embedded;
using GeoAssign.Replication.Replicas;
using GeoAssign.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeoAssign.Replication.Tests;

public sealed class MapReplicaTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDirectory _folder = new();
    private int _stopRequests;

    public void Dispose() => _folder.Dispose();

    private MapReplica NewReplica(Func<IMapStore, IMapStore>? wrap = null) => new(
        _ => Task.FromResult(wrap is null ? (IMapStore)StoreFixtures.Open(_folder.Path) : wrap(StoreFixtures.Open(_folder.Path))),
        new MapReplicaOptions { ReplicaId = "test-replica" },
        NullLogger<MapReplica>.Instance,
        () => Interlocked.Increment(ref _stopRequests));

    private static (MapChange? Change, int Plan) Upsert(MapState current, params Territory[] territories) =>
        (new MapChange(current.NextVersion, territories, []), territories.Length);

    [Fact]
    public async Task Starting_replays_the_store_and_serves_its_last_version()
    {
        await using (var store = StoreFixtures.Open(_folder.Path))
        {
            await store.LoadAsync(None);
            foreach (var change in ChangeHistories.History(12))
            {
                await store.AppendAsync(change, None);
            }
        }

        await using var replica = NewReplica();
        await replica.StartAsync(None);
        var expected = new TerritoryMapWriter();
        foreach (var change in ChangeHistories.History(12))
        {
            expected.Apply(change, validate: false);
        }

        Assert.Equal(12, replica.Current.Version);
        Assert.Equal(expected.Current.Territories.Keys.Order(StringComparer.Ordinal), replica.Current.Territories.Keys.Order(StringComparer.Ordinal));
        var status = replica.Status;
        Assert.Equal(ReplicaState.Serving, status.State);
        Assert.Same(replica.Current, status.Map);
        Assert.Equal(12, status.StoreVersion);
        Assert.Equal(0, status.LagVersions);
        Assert.Null(status.LastError);
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task An_edit_is_durable_before_it_is_acknowledged_and_served_at_once()
    {
        await using (var replica = NewReplica())
        {
            await replica.StartAsync(None);
            var (state, created) = await replica.EditAsync(null, null, current => Upsert(current, ChangeHistories.Square("a", 10, 10, 1)), None);

            Assert.Equal(1, created);
            Assert.Equal(1, state.Live.Version);
            Assert.Same(state.Live, replica.Current);
            Assert.Equal(1, replica.LayerBuiltVersion("geo"));
            await replica.StopAsync(None);
        }

        // What the edit acknowledged is in the folder: a fresh store reads it back.
        await using var reopened = StoreFixtures.Open(_folder.Path);
        var stored = await reopened.LoadAsync(None);
        Assert.Equal(1, stored.Version);
        Assert.Equal("a", Assert.Single(Assert.Single(stored.Changes).Upserts).Id);
    }

    [Fact]
    public async Task An_edit_that_expects_another_version_changes_nothing()
    {
        await using var replica = NewReplica();
        await replica.StartAsync(None);
        await replica.EditAsync(null, null, current => Upsert(current, ChangeHistories.Square("a", 10, 10, 1)), None);

        var conflict = await Assert.ThrowsAsync<MapVersionConflictException>(() =>
            replica.EditAsync(null, 0, current => Upsert(current, ChangeHistories.Square("b", 20, 10, 1)), None));

        Assert.Equal(0, conflict.Expected);
        Assert.Equal(1, conflict.Actual);
        Assert.Equal(1, replica.Current.Version);
        Assert.Equal(1, replica.Store.Version);
        Assert.False(replica.Current.Territories.ContainsKey("b"));
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task An_invalid_change_or_a_refusing_plan_changes_nothing_and_a_plan_with_nothing_to_do_makes_no_version()
    {
        await using var replica = NewReplica();
        await replica.StartAsync(None);
        await replica.EditAsync(null, null, current => Upsert(current, ChangeHistories.Square("a", 10, 10, 1)), None);

        var orphan = ChangeHistories.Square("child", 30, 10, 1, parent: "no-such-parent");
        var invalid = await Assert.ThrowsAsync<TerritoryValidationException>(() => replica.EditAsync(null, null, current => Upsert(current, orphan), None));
        Assert.Contains(invalid.Problems, p => p.Kind == ValidationProblemKind.UnknownParent);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            replica.EditAsync<int>(null, null, _ => throw new InvalidOperationException("refused by the plan"), None));

        var (state, plan) = await replica.EditAsync(null, null, _ => ((MapChange?)null, "nothing"), None);
        Assert.Equal("nothing", plan);
        Assert.Equal(1, state.Position);
        Assert.Equal(1, replica.Current.Version);
        Assert.Equal(1, replica.Store.Version);
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task A_plan_that_skips_a_version_is_refused_before_it_reaches_the_store()
    {
        await using var replica = NewReplica();
        await replica.StartAsync(None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => replica.EditAsync(null, null,
            current => ((MapChange?)new MapChange(current.Position + 2, [ChangeHistories.Square("a", 10, 10, 1)], []), 0), None));

        Assert.Equal(0, replica.Store.Version);
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task When_another_writer_appends_first_the_edit_is_planned_again_on_the_newer_map()
    {
        var rival = ChangeHistories.Square("rival", 50, 10, 1);
        await using var replica = NewReplica(store => new RivalFirstStore(store, rival));
        await replica.StartAsync(None);

        var seen = new List<long>();
        var (state, _) = await replica.EditAsync(null, null, current =>
        {
            seen.Add(current.Position);
            return Upsert(current, ChangeHistories.Square("mine", 10, 10, 1));
        }, None);

        Assert.Equal([0, 1], seen);
        Assert.Equal(2, state.Live.Version);
        Assert.True(state.Live.Territories.ContainsKey("rival"));
        Assert.True(state.Live.Territories.ContainsKey("mine"));
        Assert.Equal(2, replica.Store.Version);
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task When_another_writer_appends_first_an_edit_with_an_expected_version_conflicts()
    {
        await using var replica = NewReplica(store => new RivalFirstStore(store, ChangeHistories.Square("rival", 50, 10, 1)));
        await replica.StartAsync(None);

        var conflict = await Assert.ThrowsAsync<MapVersionConflictException>(() =>
            replica.EditAsync(null, 0, current => Upsert(current, ChangeHistories.Square("mine", 10, 10, 1)), None));

        Assert.Equal(1, conflict.Actual);
        Assert.Equal(1, replica.Current.Version);
        Assert.False(replica.Current.Territories.ContainsKey("mine"));
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task A_store_that_fails_in_an_undocumented_way_leaves_the_outcome_unknown()
    {
        await using var replica = NewReplica(store => new FailingAppendStore(store));
        await replica.StartAsync(None);

        var failure = await Assert.ThrowsAsync<MapStoreException>(() =>
            replica.EditAsync(null, null, current => Upsert(current, ChangeHistories.Square("a", 10, 10, 1)), None));

        Assert.True(failure.OutcomeUnknown);
        Assert.Contains("IOException", failure.Message);
        Assert.Equal(0, replica.Current.Version);
        Assert.Equal(0, _stopRequests);
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task Waiting_for_a_version_ends_when_an_edit_publishes_it_or_when_the_wait_is_over()
    {
        await using var replica = NewReplica();
        await replica.StartAsync(None);

        var waiting = replica.WaitForVersionAsync(1, TimeSpan.FromMinutes(1), None);
        var newer = replica.WaitForNewerAsync(0, None);
        Assert.False(waiting.IsCompleted);
        Assert.False(newer.IsCompleted);

        await replica.EditAsync(null, null, current => Upsert(current, ChangeHistories.Square("a", 10, 10, 1)), None);
        Assert.Equal(1, (await waiting)!.Position);
        Assert.Equal(1, (await newer).Version);

        Assert.Null(await replica.WaitForVersionAsync(5, TimeSpan.FromMilliseconds(50), None));
        using var cancelled = new CancellationTokenSource();
        var cancelledWait = replica.WaitForVersionAsync(5, TimeSpan.FromMinutes(1), cancelled.Token);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledWait);
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task The_history_describes_merged_versions_by_the_last_thing_that_happened_to_each_id()
    {
        await using var replica = NewReplica();
        await replica.StartAsync(None);
        await replica.EditAsync(null, null, current => Upsert(current, ChangeHistories.Square("a", 10, 10, 1), ChangeHistories.Square("b", 20, 10, 1, layer: "other")), None);
        await replica.EditAsync(null, null, current => ((MapChange?)new MapChange(current.NextVersion, [], ["a"]), 0), None);
        await replica.EditAsync(null, null, current => Upsert(current, ChangeHistories.Square("c", 30, 10, 1)), None);

        var summary = replica.DescribeChanges(0, 3);
        Assert.NotNull(summary);
        Assert.Equal(["geo", "other"], summary.Layers);
        Assert.Equal(["b", "c"], summary.UpsertedIds);
        Assert.Equal(["a"], summary.DeletedIds);
        Assert.Equal(["c"], replica.DescribeChanges(2, 3)!.UpsertedIds);
        Assert.Null(replica.DescribeChanges(-1, 3));
        await replica.StopAsync(None);
    }

    [Fact]
    public async Task Stopping_closes_the_store_so_that_another_replica_can_open_the_folder()
    {
        var replica = NewReplica();
        await replica.StartAsync(None);
        await Assert.ThrowsAsync<MapStoreException>(() => Task.FromResult(StoreFixtures.Open(_folder.Path)));

        await replica.StopAsync(None);
        await replica.DisposeAsync();
        await using var next = StoreFixtures.Open(_folder.Path);
        Assert.Equal(0, (await next.LoadAsync(None)).Version);
    }

    // Appends a rival change (as another replica would) just before the replica's first append.
    private sealed class RivalFirstStore(IMapStore inner, Territory rival) : ForwardingStore(inner)
    {
        private int _appends;

        public override async Task<AppendResult> AppendAsync(MapChange change, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _appends) == 1)
            {
                var won = await Inner.AppendAsync(new MapChange(change.Version, [rival], []), cancellationToken);
                Assert.True(won.Appended);
            }

            return await Inner.AppendAsync(change, cancellationToken);
        }
    }

    // Fails every append with an exception no store documents.
    private sealed class FailingAppendStore(IMapStore inner) : ForwardingStore(inner)
    {
        public override Task<AppendResult> AppendAsync(MapChange change, CancellationToken cancellationToken) =>
            throw new IOException("The disk went away.");
    }

    private abstract class ForwardingStore(IMapStore inner) : IMapStore
    {
        protected IMapStore Inner => inner;
        public MapStoreKind Kind => inner.Kind;
        public long Version => inner.Version;
        public MapStoreHealth Health => inner.Health;
        public Task<StoredMap> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);
        public abstract Task<AppendResult> AppendAsync(MapChange change, CancellationToken cancellationToken);
        public Task<IReadOnlyList<MapChange>?> ReadChangesAsync(long afterVersion, CancellationToken cancellationToken) => inner.ReadChangesAsync(afterVersion, cancellationToken);
        public IAsyncEnumerable<long> WatchVersionsAsync(CancellationToken cancellationToken) => inner.WatchVersionsAsync(cancellationToken);
        public void OnStatePublished(MapState state) => inner.OnStatePublished(state);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
