// The map store contract run against the embedded store, on a temporary folder per test.
using GeoAssign.Index.Model;
using GeoAssign.Replication.Embedded;
using GeoAssign.Testing.Servers.Stores;

namespace GeoAssign.Replication.Tests;

public sealed class EmbeddedMapStoreContractTests : MapStoreContract
{
    private readonly TempDirectory _folder = new();

    // One server per folder: the store locks it.
    protected override bool SharesData => false;

    // One writer hands versions to the feed in order.
    protected override bool FeedYieldsInOrder => true;

    public override Task InitializeAsync() => Task.CompletedTask;

    public override Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    protected override Task<IMapStore> OpenAsync(int? retention = null) =>
        Task.FromResult<IMapStore>(StoreFixtures.Open(_folder.Path, snapshotEvery: retention ?? 1_000));

    // A snapshot every `retention` changes, and the segments from the older of the two newest
    // snapshots kept: from `retention` changes right after a snapshot to one short of twice that.
    protected override int MostRetained(int retention) => 2 * retention - 1;

    protected override async Task SettleAsync(IMapStore store)
    {
        var embedded = (EmbeddedMapStore)store;
        await embedded.SnapshotCompletion;
        Assert.Null(embedded.LastSnapshotError);
    }

    // Without a snapshot the whole history replays from the log.
    protected override void AssertLoadedLayout(StoredMap stored, IReadOnlyList<MapChange> appended)
    {
        Assert.Equal(0, stored.BaseVersion);
        Assert.Equal(appended.Count, stored.Changes.Count);
    }

    // The oldest log segment left on disk starts right where the store reads from.
    protected override Task AssertTrimmedAsync(IMapStore store, long oldestKept)
    {
        var segments = Directory.GetFiles(_folder.Path)
            .Select(path => LogSegment.TryParseFileName(Path.GetFileName(path), out var baseVersion) ? baseVersion : -1)
            .Where(baseVersion => baseVersion >= 0)
            .ToList();
        Assert.Equal(oldestKept, segments.Min());
        return Task.CompletedTask;
    }
}
