// A million points through ResolveManyAsync and a million accounts through ReassignAsync, answered
// exactly as the in-process index (TerritoryMapWriter, built from the same GeoJSON) answers.
using System.Diagnostics;
using GeoAssign.Testing.Servers;
using Xunit.Abstractions;

namespace GeoAssign.Client.Tests;

[Collection(MillionPointCollection.Name)]
public sealed class MillionPointTests(MillionPointServer fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_million_points_resolve_exactly_as_the_in_process_index_in_input_order()
    {
        var points = TestData.MillionPoints;
        var index = TestData.MillionIndex;
        using var client = fixture.Server.Client();
        var clock = Stopwatch.StartNew();
        var i = 0;
        var mismatches = new List<string>();
        await foreach (var answer in client.ResolveManyAsync(points.Select((p, n) => new GeoPoint(p.Lat, p.Lng, n.ToString(System.Globalization.CultureInfo.InvariantCulture)))))
        {
            var point = points[i];
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Id);
            index.TryResolve("geo", point.Lat, point.Lng, out var want);
            var territory = want.Territory;
            if (answer.TerritoryId != territory?.Territory.Id || answer.Reason != TestData.Reason(want.Reason)
                || (territory is not null && (answer.OwnerId != territory.Territory.OwnerId || !answer.AncestorIds.SequenceEqual(territory.AncestorIds))))
            {
                mismatches.Add($"{i} {point}: client {answer.TerritoryId} {answer.Reason}, index {territory?.Territory.Id} {want.Reason}");
            }

            Assert.Equal(fixture.Version, answer.MapVersion);
            i++;
        }

        output.WriteLine($"{i:N0} points in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(TestData.MillionPointCount, i);
        Assert.Empty(mismatches.Take(20));
    }

    [Fact]
    public async Task A_million_accounts_reassign_exactly_as_the_in_process_index_says()
    {
        var points = TestData.MillionPoints;
        var index = TestData.MillionIndex;
        var random = new Random(5);
        var accounts = new Account[points.Count];
        var expected = new List<(int Index, string? Old, string? New, string? Territory)>();
        long unassigned = 0;
        for (var i = 0; i < points.Count; i++)
        {
            index.TryResolve("geo", points[i].Lat, points[i].Lng, out var want);
            var owner = want.Territory?.Territory.OwnerId;
            unassigned += want.Territory is null ? 1 : 0;
            // Nine in ten keep their owner; the rest had someone else or no one.
            var current = random.Next(10) == 0 ? (random.Next(2) == 0 ? null : $"rep-{random.Next(300):D3}") : owner;
            accounts[i] = new Account($"acct-{i}", points[i].Lat, points[i].Lng, current);
            if ((current ?? "") != (owner ?? ""))
            {
                expected.Add((i, current, string.IsNullOrEmpty(owner) ? null : owner, want.Territory?.Territory.Id));
            }
        }

        using var client = fixture.Server.Client();
        var clock = Stopwatch.StartNew();
        var run = client.ReassignAsync(accounts);
        var changes = new List<OwnerChange>();
        await foreach (var change in run)
        {
            changes.Add(change);
        }

        output.WriteLine($"{accounts.Length:N0} accounts, {changes.Count:N0} changes in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(expected.Count, changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var (at, old, owner, territory) = expected[i];
            Assert.Equal((at, $"acct-{at}", old, owner, territory),
                ((int)changes[i].AccountIndex, changes[i].AccountId, changes[i].OldOwnerId, changes[i].NewOwnerId, changes[i].TerritoryId));
        }

        var summary = run.Summary!;
        Assert.Equal((accounts.Length, expected.Count, accounts.Length - expected.Count, unassigned),
            (summary.TotalCount, summary.ChangedCount, summary.UnchangedCount, summary.UnassignedCount));
        Assert.Equal(fixture.Version, summary.MapVersion);
        var transitions = expected.GroupBy(e => (e.Old, e.New)).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(transitions.Count, summary.Transitions.Count);
        Assert.All(summary.Transitions, t => Assert.Equal(transitions[(t.OldOwnerId, t.NewOwnerId)], t.Count));
    }
}
