// The embedded store's own behaviour: replay from snapshots, torn tails, damage, the folder lock and the codec
// (what every store does: EmbeddedMapStoreContractTests).
using GeoAssign.Index;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Replication.Embedded;
using GeoAssign.Testing;

namespace GeoAssign.Replication.Tests;

public sealed class EmbeddedMapStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Replaying_the_store_builds_the_same_map_as_applying_the_changes()
    {
        using var folder = new TempDirectory();
        var history = ChangeHistories.History(40);
        var live = new BranchedMapWriter();
        await using (var store = StoreFixtures.Open(folder.Path, snapshotEvery: 7))
        {
            await store.LoadAsync(None);
            foreach (var change in history)
            {
                Assert.True((await store.AppendAsync(change, None)).Appended);
                live.Apply(change);
                store.OnStatePublished(live.Current);
                await store.SnapshotCompletion;
            }

            Assert.Null(store.LastSnapshotError);
            Assert.Equal(35, store.LastSnapshotVersion);
        }

        await using var reopened = StoreFixtures.Open(folder.Path, snapshotEvery: 7);
        var stored = await reopened.LoadAsync(None);
        Assert.Equal(35, stored.BaseVersion);
        Assert.Equal([36L, 37, 38, 39, 40], stored.Changes.Select(c => c.Version));

        var replayed = stored.ApplyTo(new TerritoryMapWriter());
        AssertSameMap(live.Current.Live, replayed);

        // And a map built in one go from the final territories answers the same.
        var fresh = new TerritoryMapWriter().Apply(new MapChange(replayed.Version, replayed.Territories.Values.Select(t => t.Territory), []));
        AssertSameMap(fresh, replayed);

        // Only the two newest snapshot generations stay on disk.
        var files = Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [LogSegment.FileName(28), LogSegment.FileName(35), EmbeddedMapStore.LockFileName, SnapshotFile.FileName(28), SnapshotFile.FileName(35)],
            files);
    }

    [Fact]
    public async Task A_log_cut_anywhere_loses_only_the_torn_record_and_takes_new_appends()
    {
        using var source = new TempDirectory();
        var history = ChangeHistories.History(12);
        var ends = new List<long>();
        await using (var store = StoreFixtures.Open(source.Path))
        {
            await store.LoadAsync(None);
            foreach (var change in history)
            {
                await store.AppendAsync(change, None);
                ends.Add(new FileInfo(Path.Combine(source.Path, LogSegment.FileName(0))).Length);
            }
        }

        var random = new Random(2024);
        var total = ends[^1];
        var cuts = Enumerable.Range(0, 25).Select(_ => (long)random.NextInt64(0, total)).Concat([0L, 3, 16, 17, 24, ends[4], ends[4] - 1, ends[4] + 1, total - 1]);
        foreach (var cut in cuts)
        {
            using var folder = new TempDirectory();
            foreach (var file in Directory.GetFiles(source.Path))
            {
                File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
            }

            var log = Path.Combine(folder.Path, LogSegment.FileName(0));
            using (var stream = new FileStream(log, FileMode.Open))
            {
                stream.SetLength(cut);
            }

            var whole = ends.Count(end => end <= cut);
            await using (var store = StoreFixtures.Open(folder.Path))
            {
                var stored = await store.LoadAsync(None);
                Assert.Equal(whole, stored.Version);
                Assert.Equal(history.Take(whole).Select(c => c.Version), stored.Changes.Select(c => c.Version));
                var boundary = whole == 0 ? LogSegment.HeaderBytes : ends[whole - 1];
                if (cut > LogSegment.HeaderBytes && cut != boundary)
                {
                    var note = Assert.Single(stored.RecoveryNotes);
                    Assert.Contains(log, note);
                    Assert.Contains($"offset {boundary}", note);
                }

                Assert.Equal(boundary, new FileInfo(log).Length);

                // The next change appends cleanly after the cut.
                var next = history[whole];
                Assert.True((await store.AppendAsync(next, None)).Appended);
            }

            await using (var again = StoreFixtures.Open(folder.Path))
            {
                var stored = await again.LoadAsync(None);
                Assert.Equal(whole + 1, stored.Version);
                Assert.Empty(stored.RecoveryNotes);
            }
        }
    }

    [Fact]
    public async Task A_damaged_record_in_the_middle_of_the_log_stops_the_start_instead_of_dropping_changes()
    {
        using var folder = new TempDirectory();
        long middle;
        await using (var store = StoreFixtures.Open(folder.Path))
        {
            await store.LoadAsync(None);
            foreach (var change in ChangeHistories.History(6))
            {
                await store.AppendAsync(change, None);
            }

            middle = new FileInfo(Path.Combine(folder.Path, LogSegment.FileName(0))).Length / 2;
        }

        var log = Path.Combine(folder.Path, LogSegment.FileName(0));
        var bytes = File.ReadAllBytes(log);
        bytes[middle] ^= 0x5A;
        File.WriteAllBytes(log, bytes);

        await using var reopened = StoreFixtures.Open(folder.Path);
        var error = await Assert.ThrowsAsync<MapStoreException>(() => reopened.LoadAsync(None));
        Assert.Contains(log, error.Message);
        Assert.Contains("damaged at offset", error.Message);
    }

    [Fact]
    public async Task A_damaged_snapshot_is_set_aside_and_the_previous_generation_replayed()
    {
        using var folder = new TempDirectory();
        var history = ChangeHistories.History(25);
        var live = new BranchedMapWriter();
        await using (var store = StoreFixtures.Open(folder.Path, snapshotEvery: 10))
        {
            await store.LoadAsync(None);
            foreach (var change in history)
            {
                await store.AppendAsync(change, None);
                store.OnStatePublished(live.Apply(change));
                await store.SnapshotCompletion;
            }
        }

        var newest = Path.Combine(folder.Path, SnapshotFile.FileName(20));
        var bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(newest, bytes);

        await using var reopened = StoreFixtures.Open(folder.Path, snapshotEvery: 10);
        var stored = await reopened.LoadAsync(None);
        Assert.Equal(10, stored.BaseVersion);
        Assert.Equal(25, stored.Version);
        Assert.Contains(stored.RecoveryNotes, note => note.Contains(newest, StringComparison.Ordinal));
        Assert.True(File.Exists(newest + ".damaged"));
        AssertSameMap(live.Current.Live, stored.ApplyTo(new TerritoryMapWriter()));
    }

    [Fact]
    public async Task A_second_store_cannot_open_a_folder_that_is_in_use()
    {
        using var folder = new TempDirectory();
        await using (var first = StoreFixtures.Open(folder.Path))
        {
            var error = Assert.Throws<MapStoreException>(() => StoreFixtures.Open(folder.Path));
            Assert.Contains(Path.GetFullPath(folder.Path), error.Message);
            Assert.Contains("in use by another GeoAssign server", error.Message);
        }

        // Released on dispose.
        await using var second = StoreFixtures.Open(folder.Path);
        Assert.Equal(0, (await second.LoadAsync(None)).Version);
    }

    [Fact]
    public void Territories_round_trip_exactly_through_the_binary_codec()
    {
        var territories = TestDatasets.UsStatesAndCountiesExtract();
        var change = new MapChange(42, territories, ["x", "ü-ñ"]);
        var decoded = TerritoryCodec.DecodeChange(TerritoryCodec.EncodeChange(change));

        Assert.Equal(42, decoded.Version);
        Assert.Equal(territories, decoded.Upserts);
        Assert.Equal(change.Deletes, decoded.Deletes);
    }

    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        // The CRC-32C check value of "123456789" (RFC 3720, B.4).
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    private static void AssertSameMap(TerritoryMap expected, TerritoryMap actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Territories.Keys.Order(StringComparer.Ordinal), actual.Territories.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, entry) in expected.Territories)
        {
            Assert.Equal(entry.Territory, actual.Territories[id].Territory);
            Assert.Equal(entry.AncestorIds, actual.Territories[id].AncestorIds);
        }

        Assert.Equal(expected.Layers.Keys, actual.Layers.Keys);
        var sampler = new PointSampler(expected.Territories.Values.Select(t => t.Territory), seed: 5);
        foreach (var point in sampler.Mixed(3_000))
        {
            foreach (var layer in expected.Layers.Keys)
            {
                expected.TryResolve(layer, point.Lat, point.Lng, out var a);
                actual.TryResolve(layer, point.Lat, point.Lng, out var b);
                // The reason may differ: an index built in one go may choose another resolution than
                // one built edit by edit. The answer may not.
                Assert.Equal(a.Territory?.Territory.Id, b.Territory?.Territory.Id);
            }
        }
    }
}
