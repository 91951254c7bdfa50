// Lookups that name accounts: Resolve, ResolveMany (batch and stream) and Reassign answer with an override's owner.
using GeoAssign.Testing.Servers;

namespace GeoAssign.Client.Tests;

public sealed class OverrideLookupTests(SampleServer fixture) : IClassFixture<SampleServer>
{
    private const double AustinLat = 30.2672, AustinLng = -97.7431;

    private static string OwnerOf(string territory) => TestData.SampleTerritories.Single(t => t.Id == territory).OwnerId!;

    [Fact]
    public async Task Resolve_with_an_account_answers_the_overrides_owner_and_still_names_the_territory_and_its_owner()
    {
        using var client = fixture.Server.Client();
        await client.UpsertOverridesAsync(
        [
            new AccountOverride { AccountId = "look-key", OwnerId = "rep-key", TerritoryId = "48", Protected = true },
            new AccountOverride { AccountId = "look-later", OwnerId = "rep-later", ValidFrom = DateTimeOffset.UtcNow.AddDays(1) },
        ]);

        var overridden = await client.ResolveAsync(new GeoPoint(TestData.DenverLat, TestData.DenverLng, "p1", "look-key"));
        Assert.Equal(AssignmentReason.AccountOverride, overridden.Reason);
        Assert.Equal(("p1", "08", "rep-key", OwnerOf("08")), (overridden.Id, overridden.TerritoryId, overridden.OwnerId, overridden.TerritoryOwnerId));
        Assert.Equal(new AssignmentOverride("look-key", "rep-key", "48", true), overridden.Override);
        Assert.True(overridden.IsOverridden);

        // An override not yet in force, an account without override, and no account: the territory decides.
        foreach (var account in new[] { "look-later", "look-none", null })
        {
            var plain = await client.ResolveAsync(new GeoPoint(TestData.DenverLat, TestData.DenverLng, null, account));
            Assert.NotEqual(AssignmentReason.AccountOverride, plain.Reason);
            Assert.Equal((OwnerOf("08"), OwnerOf("08")), (plain.OwnerId, plain.TerritoryOwnerId));
            Assert.Null(plain.Override);
        }

        // Out at sea: no territory, but the account still has its owner.
        var sea = await client.ResolveAsync(new GeoPoint(0, 0, null, "look-key"));
        Assert.Equal((null, "rep-key", null), (sea.TerritoryId, sea.OwnerId, sea.TerritoryOwnerId));
        Assert.Equal(AssignmentReason.AccountOverride, sea.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResolveMany_sends_the_account_column_from_the_first_point_that_has_one_and_maps_each_answer(bool stream)
    {
        using var client = fixture.Server.Client(configure: o =>
        {
            o.BatchThreshold = stream ? 10 : 10_000;
            o.ChunkSize = 7;
        });
        await client.UpsertOverridesAsync(
        [
            new AccountOverride { AccountId = "many-0", OwnerId = "rep-many-0" },
            new AccountOverride { AccountId = "many-1", OwnerId = "rep-many-1", TerritoryId = "08", Protected = true },
        ]);

        // Chunks of 7 where the accounts start mid-chunk, some chunks without any, points at sea among them.
        var points = Enumerable.Range(0, 40).Select(i => new GeoPoint(
            i % 5 == 4 ? 0 : i % 2 == 0 ? TestData.DenverLat : AustinLat,
            i % 5 == 4 ? 0 : i % 2 == 0 ? TestData.DenverLng : AustinLng,
            $"p{i}",
            i is >= 3 and < 7 or >= 21 ? (i % 3) switch { 0 => "many-0", 1 => "many-1", _ => "many-none" } : null)).ToList();
        var answers = new List<Assignment>();
        await foreach (var answer in client.ResolveManyAsync(points))
        {
            answers.Add(answer);
        }

        Assert.Equal(points.Count, answers.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var expected = await client.ResolveAsync(points[i]);
            var actual = answers[i];
            Assert.Equal(points[i].Id, actual.Id);
            Assert.Equal((expected.TerritoryId, expected.OwnerId, expected.TerritoryOwnerId, expected.Reason, expected.Override),
                (actual.TerritoryId, actual.OwnerId, actual.TerritoryOwnerId, actual.Reason, actual.Override));
            Assert.Equal(points[i].AccountId is "many-0" or "many-1", actual.IsOverridden);
        }

        Assert.Contains(answers, a => a.Override?.AccountId == "many-1" && a.TerritoryOwnerId == OwnerOf("48"));
        Assert.Contains(answers, a => a.Override?.AccountId == "many-0" && a.TerritoryId is null);
    }

    [Fact]
    public async Task Reassign_keeps_accounts_with_a_protected_override_and_tallies_them_per_owner()
    {
        using var client = fixture.Server.Client();
        await client.UpsertOverridesAsync(
        [
            new AccountOverride { AccountId = "re-kept", OwnerId = "rep-keeper", Protected = true },
            new AccountOverride { AccountId = "re-moved", OwnerId = "rep-keeper", Protected = true },
            new AccountOverride { AccountId = "re-plain", OwnerId = "rep-hand" },
        ]);
        var denver = OwnerOf("08");
        Account[] accounts =
        [
            new("re-kept", TestData.DenverLat, TestData.DenverLng, "rep-keeper"),
            new("re-moved", AustinLat, AustinLng, "rep-someone"),
            new("re-plain", TestData.DenverLat, TestData.DenverLng, "rep-hand"),
            new("re-none", TestData.DenverLat, TestData.DenverLng, "rep-someone"),
            new("re-geo", TestData.DenverLat, TestData.DenverLng, denver),
        ];
        var run = client.ReassignAsync(accounts);
        var changes = new List<OwnerChange>();
        await foreach (var change in run)
        {
            changes.Add(change);
        }

        Assert.Equal(["re-moved", "re-none"], changes.Select(c => c.AccountId));
        Assert.Equal(("rep-someone", "rep-keeper", "48", AssignmentReason.AccountOverride),
            (changes[0].OldOwnerId, changes[0].NewOwnerId, changes[0].TerritoryId, changes[0].Reason));
        Assert.Equal(denver, changes[1].NewOwnerId);
        var summary = run.Summary!;
        Assert.Equal([new OwnerTally("rep-keeper", 2)], summary.KeptByOverride);
        Assert.Equal(2, summary.KeptByOverrideCount);
        Assert.Equal((5L, 2L, 3L), (summary.TotalCount, summary.ChangedCount, summary.UnchangedCount));
    }
}
