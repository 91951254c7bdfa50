// Following another store: pub/sub, the re-read after a lost subscription, and the poll.
using GeoAssign.Index.Model;

namespace GeoAssign.Replication.Redis.Tests;

public sealed class RedisFollowTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_watcher_hears_each_version_another_store_appends_through_pub_sub()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var writer = await ConnectAsync(redis);
        // Polling every 5 minutes: within this test only published messages can bring a version.
        await using var follower = await ConnectAsync(redis);
        await using var watcher = new VersionWatcher(follower);
        await watcher.WaitForAsync(0, TimeSpan.FromSeconds(5));

        for (var version = 1L; version <= 10; version++)
        {
            Assert.True((await writer.AppendAsync(SmallChange(version, "w"), None)).Appended);
            var took = await watcher.WaitForAsync(version, TimeSpan.FromSeconds(5));
            Assert.True(took < TimeSpan.FromSeconds(1), $"Version {version} took {took.TotalMilliseconds:0} ms to arrive.");
        }

        Assert.Equal(10, follower.Version);
        Assert.True(follower.Health.Reachable);
        Assert.Null(follower.Health.Problem);
        var changes = await follower.ReadChangesAsync(4, None);
        Assert.Equal([5L, 6, 7, 8, 9, 10], changes!.Select(c => c.Version));
    }

    [Fact]
    public async Task Small_changes_arrive_inside_the_published_message_and_large_ones_are_read_from_the_stream()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var writer = await ConnectAsync(redis);
        await using var follower = await ConnectAsync(redis);
        await using var watcher = new VersionWatcher(follower);
        await watcher.WaitForAsync(0, TimeSpan.FromSeconds(5));

        var small = SmallChange(1, "w");
        Assert.True((await writer.AppendAsync(small, None)).Appended);
        await watcher.WaitForAsync(1, TimeSpan.FromSeconds(5));

        // With the stream gone, the follower still has change 1: it came with the message.
        Assert.Equal(1L, (long)(await redis.ExecuteAsync("DEL", "geoassign:{test}:changes"))!);
        var fromMessage = await follower.ReadChangesAsync(0, None);
        MapStoreAssert.SameChange(small, Assert.Single(fromMessage!));

        // A change over the inline limit is announced by its version alone: the follower reads the stream.
        // (The states of the extract, Alaska's thousands of vertices among them: far over 64 KiB.)
        var states = History(1)[0];
        var large = new MapChange(2, states.Upserts, states.Deletes);
        Assert.True((await writer.AppendAsync(large, None)).Appended);
        await watcher.WaitForAsync(2, TimeSpan.FromSeconds(5));
        var fromStream = await follower.ReadChangesAsync(1, None);
        MapStoreAssert.SameChange(large, Assert.Single(fromStream!));
        Assert.Equal(1L, (long)(await redis.ExecuteAsync("DEL", "geoassign:{test}:changes"))!);
        Assert.Null(await follower.ReadChangesAsync(1, None));
    }

    [Fact]
    public async Task After_its_subscription_is_killed_a_watcher_rereads_the_version_and_hears_later_ones()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var writer = await ConnectAsync(redis);
        await using var follower = await ConnectAsync(redis);
        await using var watcher = new VersionWatcher(follower);
        await watcher.WaitForAsync(0, TimeSpan.FromSeconds(5));

        // A version that was never published (its message lost), then the subscribers' connections dropped.
        Assert.Equal("OK", await redis.ExecuteAsync("SET", "geoassign:{test}:version", "7"));
        var killed = (long)(await redis.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub"))!;
        Assert.True(killed >= 2, $"Expected both stores' subscriptions to be killed; {killed} were.");

        // No poll for 5 minutes: only the re-read on reconnection can find version 7.
        await watcher.WaitForAsync(7, TimeSpan.FromSeconds(15));

        // The subscriptions come back, and later versions arrive through them again.
        await Eventually.UntilAsync(async () => await SubscriberCount(redis) >= 2, TimeSpan.FromSeconds(15), "both stores subscribe again");
        Assert.True((await writer.AppendAsync(SmallChange(8, "w"), None)).Appended);
        var took = await watcher.WaitForAsync(8, TimeSpan.FromSeconds(5));
        Assert.True(took < TimeSpan.FromSeconds(1), $"Version 8 took {took.TotalMilliseconds:0} ms to arrive.");
        Assert.True(follower.Health.Reachable);
    }

    [Fact]
    public async Task A_version_whose_message_was_lost_is_found_by_the_poll()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var follower = await ConnectAsync(redis, pollInterval: TimeSpan.FromMilliseconds(200));
        await using var watcher = new VersionWatcher(follower);
        await watcher.WaitForAsync(0, TimeSpan.FromSeconds(5));

        Assert.Equal("OK", await redis.ExecuteAsync("SET", "geoassign:{test}:version", "3"));
        await watcher.WaitForAsync(3, TimeSpan.FromSeconds(3));
        Assert.Equal(3, follower.Version);
    }

    [Fact]
    public async Task Cancelling_a_watch_ends_it_without_an_exception_and_disposing_the_store_ends_the_others()
    {
        await using var redis = await RedisServer.StartAsync();
        var store = await ConnectAsync(redis);
        var cancelled = new VersionWatcher(store);
        await cancelled.WaitForAsync(0, TimeSpan.FromSeconds(5));
        await cancelled.DisposeAsync();
        Assert.True(cancelled.Completion.IsCompletedSuccessfully, $"The cancelled watch ended as {cancelled.Completion.Status}: {cancelled.Completion.Exception}");

        var open = new VersionWatcher(store);
        await open.WaitForAsync(0, TimeSpan.FromSeconds(5));
        await store.DisposeAsync();
        await open.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(open.Completion.IsCompletedSuccessfully);
        await open.DisposeAsync();
    }

    private static async Task<long> SubscriberCount(RedisServer redis)
    {
        var reply = (object?[])(await redis.ExecuteAsync("PUBSUB", "NUMSUB", "geoassign:{test}:versions"))!;
        return (long)reply[1]!;
    }
}
