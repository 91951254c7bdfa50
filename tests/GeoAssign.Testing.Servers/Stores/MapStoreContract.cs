// What every map store does, as xUnit tests that each store's test project runs against its store.
using GeoAssign.Index;
using GeoAssign.Index.Plans;
using GeoAssign.Index.Model;
using GeoAssign.Replication;
using Xunit;
using static GeoAssign.Testing.ChangeHistories;

namespace GeoAssign.Testing.Servers.Stores;

/// <summary>
/// The contract of <see cref="IMapStore"/> as tests: a store's test project derives a class that
/// prepares empty data for each test (a folder, a Redis server) and opens stores on it, and xUnit runs
/// every test here against that store. Where the stores may differ by design (how a loaded map is
/// split into a base and changes, how many old changes they keep, whether two stores can share data)
/// the derived class says so through the members below, and asserts its own layout in the hooks.
/// </summary>
/// <remarks>xUnit makes an instance per test, so each test has data of its own.</remarks>
public abstract class MapStoreContract : IAsyncLifetime
{
    /// <summary>No cancellation: the tests bound their waits themselves.</summary>
    protected static readonly CancellationToken None = CancellationToken.None;

    private static readonly TimeSpan FeedTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether several stores may be open on the same data at once, as the replicas of one Redis
    /// are. When not (the embedded store locks its folder), opening a second one fails.
    /// </summary>
    protected abstract bool SharesData { get; }

    /// <summary>Whether the change feed yields versions in increasing order, never one twice.</summary>
    protected virtual bool FeedYieldsInOrder => false;

    /// <summary>Prepares empty data for one test.</summary>
    public abstract Task InitializeAsync();

    /// <summary>Removes the test's data and stops what it started.</summary>
    public abstract Task DisposeAsync();

    /// <summary>
    /// Opens a store on the test's data, not loaded yet. With <paramref name="retention"/> the store
    /// may forget changes once it holds more than that many (the embedded store through snapshots,
    /// Redis by trimming its stream); without, it keeps every change of a test.
    /// </summary>
    protected abstract Task<IMapStore> OpenAsync(int? retention = null);

    /// <summary>The most changes the store may still read back when told to keep <paramref name="retention"/> (it keeps at least that many).</summary>
    protected abstract int MostRetained(int retention);

    /// <summary>Waits until the store has done what <see cref="IMapStore.OnStatePublished"/> started in the background.</summary>
    protected virtual Task SettleAsync(IMapStore store) => Task.CompletedTask;

    /// <summary>Asserts how the store splits a map loaded after <paramref name="appended"/> into a base and changes.</summary>
    protected virtual void AssertLoadedLayout(StoredMap stored, IReadOnlyList<MapChange> appended)
    {
    }

    /// <summary>Asserts what the store holds where it keeps changes, when it reads back only those after <paramref name="oldestKept"/>.</summary>
    protected virtual Task AssertTrimmedAsync(IMapStore store, long oldestKept) => Task.CompletedTask;

    [Fact]
    public async Task A_new_store_loads_the_empty_map_at_version_0()
    {
        await using var store = await OpenAsync();
        var stored = await store.LoadAsync(None);

        Assert.Equal(0, stored.Version);
        Assert.Empty(stored.BaseTerritories);
        Assert.Empty(stored.Changes);
        Assert.Equal(0, store.Version);
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<MapChange>>(await store.ReadChangesAsync(0, None)));
    }

    [Fact]
    public async Task Appended_changes_load_back_bit_for_bit_in_a_store_opened_afterwards()
    {
        var history = History(30);
        await using (var writer = await OpenLoadedAsync())
        {
            foreach (var change in history)
            {
                Assert.Equal(new AppendResult(true, change.Version), await writer.AppendAsync(change, None));
            }

            Assert.Equal(30, writer.Version);
        }

        await using var reader = await OpenAsync();
        var stored = await reader.LoadAsync(None);
        Assert.Equal(30, stored.Version);
        Assert.Equal(30, reader.Version);
        Assert.Empty(stored.RecoveryNotes);
        AssertLoadedLayout(stored, history);

        // The base is the history up to its version, and the changes after it are the history's, bit for bit.
        var baseVersion = (int)stored.BaseVersion;
        MapStoreAssert.SameTerritories(Replay(history.Take(baseVersion)).Values, stored.BaseTerritories);
        MapStoreAssert.SameChanges(history.Skip(baseVersion), stored.Changes);

        // The store reads every change back exactly as appended, and the stored map replays through
        // the one apply path to the history's territories.
        MapStoreAssert.SameChanges(history, await reader.ReadChangesAsync(0, None));
        var map = stored.ApplyTo(new TerritoryMapWriter());
        Assert.Equal(30, map.Version);
        MapStoreAssert.SameTerritories(Replay(history).Values, map.Territories.Values.Select(entry => entry.Territory));
    }

    [Fact]
    public async Task Loading_again_gives_what_was_appended_since_the_first_load()
    {
        var history = History(12);
        await using var store = await OpenLoadedAsync();
        foreach (var change in history)
        {
            Assert.True((await store.AppendAsync(change, None)).Appended);
        }

        // A replica that found a gap reloads from the same store.
        var reloaded = await store.LoadAsync(None);
        Assert.Equal(12, reloaded.Version);
        MapStoreAssert.SameTerritories(Replay(history).Values,
            reloaded.ApplyTo(new TerritoryMapWriter()).Territories.Values.Select(entry => entry.Territory));
        Assert.True((await store.AppendAsync(SmallChange(13, "after-reload", ids: 1), None)).Appended);
    }

    [Fact]
    public async Task Plans_their_descriptions_and_the_live_history_load_back_as_they_were()
    {
        // Plan changes need the state they were planned against: a writer beside the store plays the server.
        var writer = new BranchedMapWriter();
        await using (var store = await OpenLoadedAsync())
        {
            async Task AppendAsync(MapChange change)
            {
                Assert.True((await store.AppendAsync(change, writer.Current, None)).Appended);
                store.OnStatePublished(writer.Apply(change));
            }

            var at = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);
            await AppendAsync(new MapChange(1, [Square("a", 10, 10, 1), Square("b", 20, 10, 1)], []) { Info = new ChangeInfo(at, "ops", "first") });
            await AppendAsync(new MapChange(2, [], []) { Plan = "copy", Operation = PlanOperation.CreateFromLive(1), Info = new ChangeInfo(at.AddDays(1), "ops", "a copy") });
            await AppendAsync(new MapChange(3, [Square("b", 20, 10, 1, owner: "rep-9")], []) { Plan = "copy", Info = new ChangeInfo(at.AddDays(2)) });
            await AppendAsync(new MapChange(4, [Square("c", 30, 10, 1)], []) { Plan = "own", Operation = PlanOperation.CreateFrom(1), Info = new ChangeInfo(at.AddDays(3)) });
            await AppendAsync(new MapChange(5, [], []) { Plan = "own", Operation = PlanOperation.ScheduleAt(at.AddDays(30), rebase: true, force: false), Info = new ChangeInfo(at.AddDays(4), "boss", "Q1") });
            await AppendAsync(new MapChange(6, [], ["a"]) { Info = new ChangeInfo(at.AddDays(5), "ops", "drop a") }.WithReplacedFrom(writer.Current.Live));
            await AppendAsync(new MapChange(7, [Square("x", 40, 10, 1)], []) { Plan = "gone", Operation = PlanOperation.CreateFrom(6), Info = new ChangeInfo(at.AddDays(6)) });
            await AppendAsync(new MapChange(8, [], []) { Plan = "gone", Operation = PlanOperation.Delete, Info = new ChangeInfo(at.AddDays(7)) });
            var overrides = new[]
            {
                new Index.Accounts.AccountOverride { AccountId = "acct-1", OwnerId = "rep-key", TerritoryId = "b", Protected = true, Reason = "key account", SetBy = "ops" },
                new Index.Accounts.AccountOverride { AccountId = "acct-2", OwnerId = "rep-won", ValidFrom = at, ValidUntil = at.AddDays(90) },
            };
            await AppendAsync(new MapChange(writer.Current.NextVersion, [], []) { OverrideUpserts = overrides, Info = new ChangeInfo(at.AddDays(7)) }
                .WithReplacedFrom(writer.Current.Live));
            var copy = writer.Current.Plans["copy"].Map;
            await AppendAsync(new MapChange(10, [copy.Territories["b"].Territory], []) { Operation = PlanOperation.Activate("copy", 3), Info = new ChangeInfo(at.AddDays(8), "ops", "go") }
                .WithReplacedFrom(writer.Current.Live));
            await AppendAsync(new MapChange(11, [], []) { OverrideDeletes = ["acct-2"], Info = new ChangeInfo(at.AddDays(9)) }.WithReplacedFrom(writer.Current.Live));
        }

        await using var reader = await OpenAsync();
        var loaded = (await reader.LoadAsync(None)).ApplyTo(new BranchedMapWriter());
        var expected = writer.Current;
        Assert.Equal(expected.Position, loaded.Position);
        Assert.Equal(expected.Live.Version, loaded.Live.Version);
        MapStoreAssert.SameTerritories(expected.Live.Territories.Values.Select(t => t.Territory), loaded.Live.Territories.Values.Select(t => t.Territory));
        Assert.Equal(expected.Plans.Keys, loaded.Plans.Keys);
        foreach (var (name, plan) in expected.Plans)
        {
            Assert.Equal(plan.Info, loaded.Plans[name].Info);
            MapStoreAssert.SameTerritories(plan.Map.Territories.Values.Select(t => t.Territory), loaded.Plans[name].Map.Territories.Values.Select(t => t.Territory));
            MapStoreAssert.SameTerritories(plan.Base.Values, loaded.Plans[name].Base.Values);
        }

        Assert.Equal(expected.History, loaded.History);
        Assert.Equal(["copy", "own"], loaded.Plans.Keys);
        Assert.Equal(Index.Plans.PlanStatus.Activated, loaded.Plans["copy"].Status);
        Assert.Equal(Index.Plans.PlanStatus.Scheduled, loaded.Plans["own"].Status);
        Assert.Equal([1L, 6, 9, 10, 11], loaded.History.Select(v => v.Version));
        Assert.Equal(expected.Live.Overrides.All().OrderBy(o => o.AccountId), loaded.Live.Overrides.All().OrderBy(o => o.AccountId));
        Assert.Equal(["acct-1"], loaded.Live.Overrides.SortedIds());
        Assert.Equal("copy", loaded.History[^2].ActivatedPlan);
    }

    [Fact]
    public async Task Postal_codes_merged_and_replaced_per_country_load_back_exactly_from_changes_and_from_the_base()
    {
        static Index.Gazetteer.PostalCodeEntry Code(string country, string code, double lat, double lng, string place = "") => new()
        {
            Country = country, Code = code, Lat = lat, Lng = lng, PlaceName = place, Admin1Name = "Admin", Admin1Code = "AD",
            Admin2Name = "County", Admin2Code = "001", Admin3Name = "", Admin3Code = "X", Accuracy = 4,
        };

        // A small retention makes both stores load part of it from their base (snapshot, hashes), the rest from changes.
        const int Retention = 4;
        var writer = new BranchedMapWriter();
        await using (var store = await OpenLoadedAsync(Retention))
        {
            async Task AppendAsync(MapChange change)
            {
                Assert.True((await store.AppendAsync(change, writer.Current, None)).Appended);
                store.OnStatePublished(writer.Apply(change));
                await SettleAsync(store);
            }

            await AppendAsync(new MapChange(1, [Square("a", 10, 10, 1)], []));
            await AppendAsync(new MapChange(2, [], [])
            {
                GazetteerUpserts = [Code("US", "02139", 42.36, -71.1, "Cambridge"), Code("US", "00501", 40.81, -73.04), Code("GB", "SW1A 1AA", 51.5, -0.14, "London")],
            }.WithReplacedFrom(writer.Current.Live));
            await AppendAsync(new MapChange(3, [], []) { GazetteerUpserts = [Code("US", "02139", 42.37, -71.11, "Cambridge MA"), Code("NL", "1012 AB", 52.37, 4.89)] }
                .WithReplacedFrom(writer.Current.Live));
            for (var version = 4; version <= 10; version++)
            {
                await AppendAsync(new MapChange(version, [Square($"f-{version}", 30, 10 + version, 0.5)], []).WithReplacedFrom(writer.Current.Live));
            }

            await AppendAsync(new MapChange(11, [], []) { GazetteerClearCountries = ["US"], GazetteerUpserts = [Code("US", "10001", 40.75, -73.99, "New York")] }
                .WithReplacedFrom(writer.Current.Live));
            await AppendAsync(new MapChange(12, [], []) { GazetteerUpserts = [Code("GB", "EC1A 1BB", 51.52, -0.1)] }.WithReplacedFrom(writer.Current.Live));
        }

        var expected = writer.Current.Live.Gazetteer;
        Assert.Equal(["GB", "NL", "US"], expected.Countries);
        Assert.Equal(["10001"], expected.AllOf("US").Select(e => e.Code));
        await using var reader = await OpenAsync(Retention);
        var stored = await reader.LoadAsync(None);
        var loaded = stored.ApplyTo(new BranchedMapWriter()).Live;
        Assert.Equal(12, loaded.Version);
        Assert.Equal(expected.All(), loaded.Gazetteer.All());
        var changes = await reader.ReadChangesAsync(stored.BaseVersion, None) ?? [];
        foreach (var change in changes.Where(c => c.HasGazetteer))
        {
            Assert.NotNull(change.ReplacedGazetteer);
        }

        var replace = changes.SingleOrDefault(c => c.Version == 11);
        if (replace is not null)
        {
            Assert.Equal(["US"], replace.GazetteerClearCountries);
            Assert.Equal(["00501", "02139"], replace.ReplacedGazetteer!.Select(e => e.Code).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task An_append_that_does_not_follow_the_stores_version_stores_nothing_and_reports_the_version()
    {
        var history = History(3);
        await using var store = await OpenLoadedAsync();

        Assert.Equal(new AppendResult(false, 0), await store.AppendAsync(history[1], None));
        Assert.Equal(new AppendResult(true, 1), await store.AppendAsync(history[0], None));
        Assert.Equal(new AppendResult(false, 1), await store.AppendAsync(history[0], None));
        Assert.Equal(new AppendResult(false, 1), await store.AppendAsync(history[2], None));
        Assert.Equal(new AppendResult(true, 2), await store.AppendAsync(history[1], None));
        Assert.Equal(2, store.Version);

        MapStoreAssert.SameChanges(history.Take(2), await store.ReadChangesAsync(0, None));
    }

    [Fact]
    public async Task Concurrent_appends_of_the_same_next_version_store_exactly_one()
    {
        const int Writers = 8;
        const int Rounds = 25;
        // Writers on stores of their own where stores can share data, else on the one store.
        var stores = new List<IMapStore>();
        try
        {
            do
            {
                stores.Add(await OpenLoadedAsync());
            }
            while (SharesData && stores.Count < Writers);

            for (var version = 1L; version <= Rounds; version++)
            {
                var changes = Enumerable.Range(0, Writers).Select(writer => SmallChange(version, $"w{writer}")).ToArray();
                var appending = changes.Select((change, writer) => Task.Run(() => stores[writer % stores.Count].AppendAsync(change, None)));
                var results = await Task.WhenAll(appending);

                Assert.Equal(1, results.Count(r => r.Appended));
                Assert.All(results, r => Assert.Equal(version, r.StoreVersion));
                var winner = changes[Array.FindIndex(results, r => r.Appended)];
                MapStoreAssert.SameChanges([winner], await stores[0].ReadChangesAsync(version - 1, None));
            }

            // Stale and skipping versions append nothing.
            Assert.Equal(new AppendResult(false, Rounds), await stores[^1].AppendAsync(SmallChange(3, "late"), None));
            Assert.Equal(new AppendResult(false, Rounds), await stores[0].AppendAsync(SmallChange(Rounds + 2, "early"), None));
            Assert.Equal(Rounds, stores[0].Version);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }

        // A store opened afterwards holds the winners and nothing else.
        await using var reader = await OpenAsync();
        var stored = await reader.LoadAsync(None);
        Assert.Equal(Rounds, stored.Version);
        var changesRead = await reader.ReadChangesAsync(0, None);
        Assert.NotNull(changesRead);
        Assert.Equal(Enumerable.Range(1, Rounds).Select(v => (long)v), changesRead.Select(c => c.Version));
        var territories = stored.ApplyTo(new TerritoryMapWriter()).Territories.Values.Select(entry => entry.Territory).ToList();
        Assert.NotEmpty(territories);
        Assert.DoesNotContain(territories, t => t.OwnerId.StartsWith("late", StringComparison.Ordinal) || t.OwnerId.StartsWith("early", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reading_after_any_version_gives_exactly_the_later_changes_in_order()
    {
        var history = History(12);
        await using var store = await OpenLoadedAsync();
        foreach (var change in history)
        {
            Assert.True((await store.AppendAsync(change, None)).Appended);
        }

        for (var after = 0; after <= history.Count; after++)
        {
            MapStoreAssert.SameChanges(history.Skip(after), await store.ReadChangesAsync(after, None));
        }
    }

    [Fact]
    public async Task Changes_older_than_the_store_keeps_read_as_null_and_the_rest_exactly()
    {
        const int Retention = 8;
        const int Count = 60;
        var history = Enumerable.Range(1, Count)
            .Select(version => SmallChange(version, "w", ids: 9, deletes: version % 5 == 0 ? [$"w-{(version + 3) % 9}"] : null))
            .ToList();
        await using (var store = await OpenLoadedAsync(Retention))
        {
            // As the server does: publish each change applied, which lets the store checkpoint.
            var live = new BranchedMapWriter();
            foreach (var change in history)
            {
                Assert.True((await store.AppendAsync(change, None)).Appended);
                store.OnStatePublished(live.Apply(change, validate: false));
                await SettleAsync(store);
            }

            var oldestKept = 0L;
            while (await store.ReadChangesAsync(oldestKept, None) is null)
            {
                oldestKept++;
            }

            Assert.True(oldestKept > 0, $"The store still reads all {Count} changes though told to keep {Retention}.");
            Assert.InRange(Count - oldestKept, Retention, MostRetained(Retention));
            for (var after = oldestKept; after <= Count; after++)
            {
                MapStoreAssert.SameChanges(history.Skip((int)after), await store.ReadChangesAsync(after, None));
            }

            await AssertTrimmedAsync(store, oldestKept);
        }

        // What the store no longer reads back is still in the map it loads.
        await using var reopened = await OpenAsync(Retention);
        var stored = await reopened.LoadAsync(None);
        Assert.Equal(Count, stored.Version);
        MapStoreAssert.SameTerritories(Replay(history).Values, stored.ApplyTo(new TerritoryMapWriter()).Territories.Values.Select(entry => entry.Territory));
    }

    [Fact]
    public async Task The_change_feed_yields_the_stores_version_and_then_each_version_appended()
    {
        await using var store = await OpenLoadedAsync();
        await using var watcher = new VersionWatcher(store);
        await watcher.WaitForAsync(0, FeedTimeout);
        Assert.Equal(0, watcher.Seen[0]);

        foreach (var change in History(3))
        {
            Assert.True((await store.AppendAsync(change, None)).Appended);
            await watcher.WaitForAsync(change.Version, FeedTimeout);
        }

        if (FeedYieldsInOrder)
        {
            var seen = watcher.Seen;
            Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.First < pair.Second), $"The feed yielded {string.Join(",", seen)}.");
        }
    }

    [Fact]
    public async Task A_second_store_on_the_same_data_hears_what_the_first_appends_or_cannot_open()
    {
        await using var first = await OpenLoadedAsync();
        if (!SharesData)
        {
            await Assert.ThrowsAsync<MapStoreException>(() => OpenAsync());
            return;
        }

        await using var second = await OpenLoadedAsync();
        await using var secondHears = new VersionWatcher(second);
        await secondHears.WaitForAsync(0, FeedTimeout);
        var history = Enumerable.Range(1, 6).Select(version => SmallChange(version, "s")).ToList();
        foreach (var change in history.Take(5))
        {
            Assert.True((await first.AppendAsync(change, None)).Appended);
            await secondHears.WaitForAsync(change.Version, FeedTimeout);
        }

        Assert.Equal(5, second.Version);
        MapStoreAssert.SameChanges(history.Skip(2).Take(3), await second.ReadChangesAsync(2, None));

        // And the other way round.
        await using var firstHears = new VersionWatcher(first);
        Assert.True((await second.AppendAsync(history[5], None)).Appended);
        await firstHears.WaitForAsync(6, FeedTimeout);
        MapStoreAssert.SameChanges([history[5]], await first.ReadChangesAsync(5, None));
    }

    private async Task<IMapStore> OpenLoadedAsync(int? retention = null)
    {
        var store = await OpenAsync(retention);
        await store.LoadAsync(None);
        return store;
    }
}
