// Account overrides through a real server: the RPCs, precedence in lookups, validity windows at their edges, plans and history.
using System.Text;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class AccountServiceTests
{
    // Two squares side by side: west (lng 0..1) owned by rep-a, east (lng 1..2) by rep-b.
    private static async Task<ulong> SeedAsync(TestServer server)
    {
        var response = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("west", Shapes.Square(0, 0, 1), owner: "rep-a"),
                Shapes.Territory("east", Shapes.Square(1, 0, 1), owner: "rep-b"),
            },
        });
        return response.MapVersion;
    }

    private static Protos.V1.AccountService.AccountServiceClient Accounts(TestServer server) => new(server.Channel);

    private static AccountOverride Override(string account, string owner, string territory = "", DateTimeOffset? from = null, DateTimeOffset? until = null,
        bool isProtected = false, string reason = "") => new()
    {
        AccountId = account,
        OwnerId = owner,
        TerritoryId = territory,
        ValidFrom = from is { } f ? Timestamp.FromDateTimeOffset(f) : null,
        ValidUntil = until is { } u ? Timestamp.FromDateTimeOffset(u) : null,
        Protected = isProtected,
        Reason = reason,
    };

    private static async Task<Assignment> ResolveAsync(TestServer server, double lat, double lng, string account, string plan = "", Timestamp? asOf = null,
        ulong version = 0) =>
        (await server.Assignments.ResolveAsync(new ResolveRequest { Lat = lat, Lng = lng, AccountId = account, Plan = plan, AsOf = asOf, Version = version })).Assignment;

    private static async Task<ImportOverridesResponse> ImportAsync(TestServer server, string csv, bool replace = false, int chunk = 7)
    {
        using var call = Accounts(server).ImportOverrides();
        var bytes = Encoding.UTF8.GetBytes(csv);
        await call.RequestStream.WriteAsync(new ImportOverridesRequest { Options = new ImportOverridesOptions { Replace = replace, Message = "import" } });
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            await call.RequestStream.WriteAsync(new ImportOverridesRequest { Chunk = ByteString.CopyFrom(bytes, at, Math.Min(chunk, bytes.Length - at)) });
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    [Fact]
    public async Task An_override_in_force_decides_the_owner_and_the_answer_still_names_the_territory()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await SeedAsync(server);
        var set = await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides = { Override("acme", "rep-key", territory: "east", isProtected: true, reason: "key account") },
            Message = "key accounts",
        });
        Assert.Equal(seeded + 1, set.MapVersion);
        Assert.Equal(1u, set.CreatedCount);

        var overridden = await ResolveAsync(server, 0.5, 0.5, "acme");
        Assert.Equal(Reason.AccountOverride, overridden.Reason);
        Assert.Equal("rep-key", overridden.OwnerId);
        Assert.Equal("west", overridden.TerritoryId);
        Assert.Equal("rep-a", overridden.TerritoryOwnerId);
        Assert.Equal("east", overridden.OverrideTerritoryId);
        Assert.True(overridden.OverrideProtected);
        Assert.Equal(set.MapVersion, overridden.MapVersion);

        // Another account, or none, gets the geography; so does a point outside every territory, but the
        // override still decides there.
        var other = await ResolveAsync(server, 0.5, 0.5, "someone-else");
        Assert.Equal(("rep-a", Reason.InteriorCell), (other.OwnerId, other.Reason));
        Assert.Equal("rep-a", (await ResolveAsync(server, 0.5, 0.5, "")).OwnerId);
        var outside = await ResolveAsync(server, 40, 40, "acme");
        Assert.Equal(("rep-key", "", Reason.AccountOverride), (outside.OwnerId, outside.TerritoryId, outside.Reason));

        // Batch: one override list, refs per point; points without account or override get 0.
        var batch = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest
        {
            Points = new PointChunk { Lat = { 0.5, 0.5, 0.5, 0.5 }, Lng = { 0.5, 1.5, 1.5, 0.5 }, AccountIds = { "", "acme", "x", "acme" } },
        })).Assignments;
        Assert.Equal([0u, 1u, 0u, 1u], batch.OverrideRefs);
        Assert.Single(batch.Overrides);
        Assert.Equal(("acme", "rep-key", "east", true), (batch.Overrides[0].AccountId, batch.Overrides[0].OwnerId, batch.Overrides[0].TerritoryId, batch.Overrides[0].Protected));
        Assert.Equal([Reason.InteriorCell, Reason.AccountOverride, Reason.InteriorCell, Reason.AccountOverride], batch.Reasons);
        Assert.Equal(["west", "east", "east", "west"], batch.TerritoryRefs.Select(r => batch.Territories[(int)r - 1].TerritoryId));
        // GetAssignment gives each point the answer Resolve gives it with its account.
        for (var i = 0; i < batch.Count; i++)
        {
            var single = await ResolveAsync(server, 0.5, i is 0 or 3 ? 0.5 : 1.5, i switch { 1 or 3 => "acme", 2 => "x", _ => "" });
            Assert.Equal(single, batch.GetAssignment(i));
        }

        Assert.Null(batch.GetOverride(0));
        Assert.Equal("rep-key", batch.GetOverride(1)?.OwnerId);

        // Without account ids the chunk carries no override columns at all.
        var plain = (await server.Assignments.ResolveBatchAsync(new ResolveBatchRequest { Points = new PointChunk { Lat = { 0.5 }, Lng = { 0.5 } } })).Assignments;
        Assert.Empty(plain.OverrideRefs);
        Assert.Empty(plain.Overrides);

        var mismatched = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => server.Assignments.ResolveBatchAsync(new ResolveBatchRequest
        {
            Points = new PointChunk { Lat = { 0.5, 0.5 }, Lng = { 0.5, 0.5 }, AccountIds = { "acme" } },
        }).ResponseAsync);
        Assert.Contains("account_ids", mismatched.Status.Detail);
    }

    [Fact]
    public async Task A_validity_window_starts_at_valid_from_inclusive_and_ends_at_valid_until_exclusive()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        var from = DateTimeOffset.UtcNow.AddHours(1);
        var until = from.AddHours(1);
        await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { Override("acme", "rep-key", from: from, until: until) } });

        // As-of answers at the edges, to the tick (100 ns): the live map is the latest version at each.
        async Task<string> OwnerAt(DateTimeOffset instant) => (await ResolveAsync(server, 0.5, 0.5, "acme", asOf: Timestamp.FromDateTimeOffset(instant))).OwnerId;
        Assert.Equal("rep-a", await OwnerAt(from.AddTicks(-1)));
        Assert.Equal("rep-key", await OwnerAt(from));
        Assert.Equal("rep-key", await OwnerAt(until.AddTicks(-1)));
        Assert.Equal("rep-a", await OwnerAt(until));

        // Not in force now: the geography answers; GetOverride says so.
        Assert.Equal("rep-a", (await ResolveAsync(server, 0.5, 0.5, "acme")).OwnerId);
        var got = await Accounts(server).GetOverrideAsync(new GetOverrideRequest { AccountId = "acme" });
        Assert.False(got.InForce);
        Assert.Equal(from, got.Override.ValidFrom.ToDateTimeOffset());

        // Open ends are always in force on their side.
        await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { Override("acme", "rep-key", until: DateTimeOffset.UtcNow.AddDays(1)) } });
        Assert.Equal("rep-key", (await ResolveAsync(server, 0.5, 0.5, "acme")).OwnerId);
        await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { Override("acme", "rep-key", from: DateTimeOffset.UtcNow.AddDays(-1)) } });
        Assert.Equal("rep-key", (await ResolveAsync(server, 0.5, 0.5, "acme")).OwnerId);
    }

    [Fact]
    public async Task Overrides_apply_to_plans_survive_activation_and_are_answered_as_of_their_time()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await SeedAsync(server);
        var plans = new PlanService.PlanServiceClient(server.Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "fy27" });
        var planEdit = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Plan = "fy27",
            Territories = { Shapes.Territory("west", Shapes.Square(0, 0, 1), owner: "rep-c") },
        });
        var before = DateTimeOffset.UtcNow;
        var set = await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { Override("acme", "rep-key") } });

        // The plan answers with the live map's overrides (they are not part of a plan).
        var inPlan = await ResolveAsync(server, 0.5, 0.5, "acme", plan: "fy27");
        Assert.Equal(("rep-key", "rep-c", planEdit.MapVersion), (inPlan.OwnerId, inPlan.TerritoryOwnerId, inPlan.MapVersion));

        // Activation keeps the overrides (they belong to the live map) and the new geography shows beside them.
        var activated = await plans.ActivatePlanAsync(new ActivatePlanRequest { Name = "fy27" });
        var after = await ResolveAsync(server, 0.5, 0.5, "acme");
        Assert.Equal(("rep-key", "rep-c"), (after.OwnerId, after.TerritoryOwnerId));
        Assert.Equal("acme", (await Accounts(server).GetOverrideAsync(new GetOverrideRequest { AccountId = "acme" })).Override.AccountId);

        // Past versions answer with their own overrides: before the upsert there was none.
        var pastBefore = await ResolveAsync(server, 0.5, 0.5, "acme", version: seeded);
        Assert.Equal(("rep-a", Reason.InteriorCell), (pastBefore.OwnerId, pastBefore.Reason));
        var pastAt = await ResolveAsync(server, 0.5, 0.5, "acme", version: set.MapVersion);
        Assert.Equal(("rep-key", "rep-a"), (pastAt.OwnerId, pastAt.TerritoryOwnerId));
        var asOfBefore = await ResolveAsync(server, 0.5, 0.5, "acme", asOf: Timestamp.FromDateTimeOffset(before));
        Assert.Equal("rep-a", asOfBefore.OwnerId);

        // Deleting it is a new version; the old one still answers with it.
        var deleted = await Accounts(server).DeleteOverridesAsync(new DeleteOverridesRequest { AccountIds = { "acme" } });
        Assert.Equal(1u, deleted.DeletedCount);
        Assert.Equal("rep-c", (await ResolveAsync(server, 0.5, 0.5, "acme")).OwnerId);
        Assert.Equal("rep-key", (await ResolveAsync(server, 0.5, 0.5, "acme", version: set.MapVersion)).OwnerId);
        Assert.True(activated.Version > set.MapVersion);
    }

    [Fact]
    public async Task The_coverage_check_lists_overrides_a_plan_leaves_pointing_nowhere()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides =
            {
                Override("to-east", "rep-named", territory: "east", isProtected: true),
                Override("of-rep-b", "rep-b"),
                Override("named-rep", "rep-named"),
                Override("ended", "rep-b", territory: "east", until: DateTimeOffset.UtcNow.AddDays(-1)),
                Override("to-west", "rep-a", territory: "west"),
            },
        });
        var plans = new PlanService.PlanServiceClient(server.Channel);
        await plans.CreatePlanAsync(new CreatePlanRequest { Name = "fy27" });
        await server.Territories.DeleteTerritoriesAsync(new DeleteTerritoriesRequest { Plan = "fy27", Ids = { "east" } });

        var live = await plans.CheckCoverageAsync(new CheckCoverageRequest());
        Assert.Equal(0ul, live.OverrideConflictCount);
        var plan = await plans.CheckCoverageAsync(new CheckCoverageRequest { Plan = "fy27" });
        Assert.Equal(2ul, plan.OverrideConflictCount);
        Assert.Equal(
            [("of-rep-b", "rep-b", "", false, OverrideConflict.Types.Kind.OwnerRemoved), ("to-east", "rep-named", "east", true, OverrideConflict.Types.Kind.TerritoryRemoved)],
            plan.OverrideConflicts.Select(c => (c.AccountId, c.OwnerId, c.TerritoryId, c.Protected, c.Kind)));
    }

    [Fact]
    public async Task Bad_overrides_are_refused_by_position_and_nothing_changes()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await SeedAsync(server);
        var accounts = Accounts(server);
        var now = DateTimeOffset.UtcNow;
        var bad = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => accounts.UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides =
            {
                Override("ok", "rep-a"),
                Override("", "rep-a"),
                Override("empty-window", "rep-a", from: now, until: now),
                Override("ok", "rep-b"),
                Override("no-owner", ""),
                Override("long-reason", "rep-a", reason: new string('r', 1025)),
            },
        }).ResponseAsync);
        Assert.Contains("overrides[1]", bad.Status.Detail);
        Assert.Contains("overrides[2] (id \"empty-window\")", bad.Status.Detail);
        Assert.Contains("also at overrides[0]", bad.Status.Detail);
        Assert.Contains("overrides[4]", bad.Status.Detail);
        Assert.Contains("overrides[5]", bad.Status.Detail);
        Assert.Contains("nothing was changed", bad.Status.Detail);

        var unknown = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => accounts.UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides = { Override("acme", "rep-a", territory: "north") },
        }).ResponseAsync);
        Assert.Contains("territory_id \"north\"", unknown.Status.Detail);

        var badTime = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => accounts.UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides = { new AccountOverride { AccountId = "acme", OwnerId = "rep-a", ValidFrom = new Timestamp { Seconds = -70_000_000_000 } } },
        }).ResponseAsync);
        Assert.Contains("overrides[0].valid_from", badTime.Status.Detail);

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => accounts.UpsertOverridesAsync(new UpsertOverridesRequest()).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.Aborted, () => accounts.UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides = { Override("acme", "rep-a") },
            ExpectedVersion = seeded + 5,
        }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => accounts.DeleteOverridesAsync(new DeleteOverridesRequest { AccountIds = { "acme" } }).ResponseAsync);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => accounts.GetOverrideAsync(new GetOverrideRequest { AccountId = "acme" }).ResponseAsync);

        // Nothing changed: the version is the seed's, no override exists; the server keeps serving.
        Assert.Equal(seeded, (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
        Assert.Equal(0ul, (await accounts.ListOverridesAsync(new ListOverridesRequest())).TotalCount);
        var missingOk = await accounts.DeleteOverridesAsync(new DeleteOverridesRequest { AccountIds = { "acme" }, AllowMissing = true });
        Assert.Equal((0u, seeded), (missingOk.DeletedCount, missingOk.MapVersion));
    }

    [Fact]
    public async Task Listing_pages_through_every_override_in_account_order_with_owner_and_expiry_filters()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        var now = DateTimeOffset.UtcNow;
        var request = new UpsertOverridesRequest();
        for (var i = 0; i < 250; i++)
        {
            // Every 10th expires within a day, every 25th in a week; every 3rd belongs to rep-x.
            DateTimeOffset? until = i % 10 == 0 ? now.AddHours(12) : i % 25 == 0 ? now.AddDays(7) : null;
            request.Overrides.Add(Override($"acct-{i:D4}", i % 3 == 0 ? "rep-x" : "rep-y", until: until));
        }

        await Accounts(server).UpsertOverridesAsync(request);

        async Task<List<string>> AllAsync(ListOverridesRequest first)
        {
            var ids = new List<string>();
            var page = first;
            while (true)
            {
                var response = await Accounts(server).ListOverridesAsync(page);
                Assert.Equal(250ul, response.TotalCount);
                Assert.True(response.Overrides.Count <= Math.Max(1, page.PageSize == 0 ? 100 : page.PageSize));
                ids.AddRange(response.Overrides.Select(o => o.AccountId));
                if (response.NextPageToken.Length == 0)
                {
                    return ids;
                }

                page = page.Clone();
                page.PageToken = response.NextPageToken;
            }
        }

        var everything = await AllAsync(new ListOverridesRequest { PageSize = 40 });
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"acct-{i:D4}"), everything);
        var ofX = await AllAsync(new ListOverridesRequest { PageSize = 7, OwnerId = "rep-x" });
        Assert.Equal(Enumerable.Range(0, 250).Where(i => i % 3 == 0).Select(i => $"acct-{i:D4}"), ofX);
        var expiringToday = await AllAsync(new ListOverridesRequest { ExpiringWithin = Duration.FromTimeSpan(TimeSpan.FromDays(1)) });
        Assert.Equal(Enumerable.Range(0, 250).Where(i => i % 10 == 0).Select(i => $"acct-{i:D4}"), expiringToday);
        var expiringThisWeek = await AllAsync(new ListOverridesRequest { PageSize = 3, ExpiringWithin = Duration.FromTimeSpan(TimeSpan.FromDays(8)) });
        Assert.Equal(Enumerable.Range(0, 250).Where(i => i % 10 == 0 || i % 25 == 0).Select(i => $"acct-{i:D4}"), expiringThisWeek);

        // A token belongs to its filters.
        var first = await Accounts(server).ListOverridesAsync(new ListOverridesRequest { PageSize = 5, OwnerId = "rep-x" });
        var mixed = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Accounts(server).ListOverridesAsync(new ListOverridesRequest
        {
            PageToken = first.NextPageToken,
            OwnerId = "rep-y",
        }).ResponseAsync);
        Assert.Contains("filters", mixed.Status.Detail);
    }

    [Fact]
    public async Task A_csv_import_merges_or_replaces_atomically_and_names_every_bad_row_by_line()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { Override("old", "rep-a"), Override("a1", "rep-z") } });

        var merged = await ImportAsync(server,
            "\uFEFFaccount_id,owner_id,territory_id,valid_from,valid_until,protected,reason\n"
            + "a1,rep-k,east,2020-01-01,,true,\"won, in 2020\"\r\n"
            + "\n"
            + "a2,rep-k,,2020-01-01T08:00:00Z,2999-01-01T00:00:00+02:00,no,\"two\nlines\"\n"
            + "a3,rep-j,,,,1,\n");
        Assert.Equal((3ul, 2ul, 1ul, 0ul), (merged.RowCount, merged.CreatedCount, merged.UpdatedCount, merged.DeletedCount));
        var a1 = (await Accounts(server).GetOverrideAsync(new GetOverrideRequest { AccountId = "a1" })).Override;
        Assert.Equal(("rep-k", "east", true, "won, in 2020"), (a1.OwnerId, a1.TerritoryId, a1.Protected, a1.Reason));
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), a1.ValidFrom.ToDateTimeOffset());
        var a2 = (await Accounts(server).GetOverrideAsync(new GetOverrideRequest { AccountId = "a2" })).Override;
        Assert.Equal(("two\nlines", new DateTimeOffset(2998, 12, 31, 22, 0, 0, TimeSpan.Zero)), (a2.Reason, a2.ValidUntil.ToDateTimeOffset()));
        Assert.Equal(4ul, (await Accounts(server).ListOverridesAsync(new ListOverridesRequest())).TotalCount);

        // Every bad row is named by the line it starts on; nothing is imported.
        var version = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        var bad = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(server,
            "owner_id,account_id,protected\n"
            + "rep-a,b1,true\n"
            + "rep-a,\"multi\nline\",true\n"
            + ",b3,\n"
            + "rep-a,b1,false\n"
            + "rep-a,b5,yes,extra\n"
            + "rep-a,b8,maybe\n"));
        Assert.Contains("line 3: account_id: the id contains the control character U+000A", bad.Status.Detail);
        Assert.Contains("line 5: owner_id", bad.Status.Detail);
        Assert.Contains("line 6: account \"b1\" is set twice (also on line 2)", bad.Status.Detail);
        Assert.Contains("line 7: the row has 4 fields", bad.Status.Detail);
        Assert.Contains("line 8: protected \"maybe\"", bad.Status.Detail);
        Assert.StartsWith("5 problems in the CSV, nothing was changed", bad.Status.Detail);

        var badDates = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(server,
            "account_id,owner_id,valid_from,valid_until\nc1,rep-a,yesterday,\nc2,rep-a,2027-02-01,2027-01-01\n"));
        Assert.Contains("line 2: valid_from \"yesterday\"", badDates.Status.Detail);
        Assert.Contains("line 3: valid_until", badDates.Status.Detail);

        var header = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(server, "account,owner_id\nx,y\n"));
        Assert.Contains("line 1: unknown column \"account\"", header.Status.Detail);
        Assert.Contains("no account_id column", header.Status.Detail);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => ImportAsync(server, ""));
        var latin1 = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () =>
        {
            using var call = Accounts(server).ImportOverrides();
            await call.RequestStream.WriteAsync(new ImportOverridesRequest { Chunk = ByteString.CopyFrom([.. "account_id,owner_id\nM"u8, 0xFC, .. "ller,rep-a\n"u8]) });
            await call.RequestStream.CompleteAsync();
            await call;
        });
        Assert.Contains("line 2: the row is not valid UTF-8", latin1.Status.Detail);
        var unknownTerritory = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => ImportAsync(server, "account_id,owner_id,territory_id\nd1,rep-a,west\nd2,rep-a,north\n"));
        Assert.Contains("line 3: territory_id \"north\"", unknownTerritory.Status.Detail);
        Assert.Equal(version, (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);

        // Replace: exactly the file's overrides remain.
        var replaced = await ImportAsync(server, "account_id,owner_id\na1,rep-q\nnew,rep-q\n", replace: true);
        Assert.Equal((1ul, 1ul, 3ul), (replaced.CreatedCount, replaced.UpdatedCount, replaced.DeletedCount));
        var left = await Accounts(server).ListOverridesAsync(new ListOverridesRequest());
        Assert.Equal(["a1", "new"], left.Overrides.Select(o => o.AccountId));
        Assert.False(left.Overrides[0].Protected);
    }

    [Fact]
    public async Task Reassign_takes_the_overrides_owner_and_tallies_protected_accounts_as_kept()
    {
        await using var server = await TestServer.StartAsync();
        await SeedAsync(server);
        await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest
        {
            Overrides =
            {
                Override("kept", "rep-a", isProtected: true),
                Override("kept-2", "rep-a", isProtected: true),
                Override("routed", "rep-z"),
                Override("expired", "rep-z", isProtected: true, until: DateTimeOffset.UtcNow.AddDays(-1)),
            },
        });

        using var call = server.Reassignments.Reassign();
        var chunk = new AccountChunk();
        // All in the east square (rep-b by geography), all currently with rep-a.
        foreach (var id in (string[])["kept", "kept-2", "routed", "expired", "plain"])
        {
            chunk.Ids.Add(id);
            chunk.Lat.Add(0.5);
            chunk.Lng.Add(1.5);
            chunk.CurrentOwnerIds.Add("rep-a");
        }

        await call.RequestStream.WriteAsync(new ReassignRequest { Accounts = chunk });
        await call.RequestStream.CompleteAsync();
        var changes = new List<OwnerChange>();
        ReassignSummary? summary = null;
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            if (response.Changes is { } part)
            {
                changes.AddRange(part.Changes);
            }
            else
            {
                summary = response.Summary;
            }
        }

        Assert.Equal([("routed", "rep-z", Reason.AccountOverride, "east"), ("expired", "rep-b", Reason.InteriorCell, "east"), ("plain", "rep-b", Reason.InteriorCell, "east")],
            changes.Select(c => (c.AccountId, c.NewOwnerId, c.Reason, c.TerritoryId)));
        Assert.NotNull(summary);
        Assert.Equal([("rep-a", 2ul)], summary.KeptByOverride.Select(k => (k.OwnerId, k.Count)));
        Assert.Equal((5ul, 3ul), (summary.TotalCount, summary.ChangedCount));
    }

    [Fact]
    public async Task Overrides_and_who_set_them_survive_a_restart()
    {
        var data = Directory.CreateTempSubdirectory("geoassign-overrides-").FullName;
        try
        {
            ulong version;
            var named = new Dictionary<string, string?>(TestServer.WithKeys) { ["GeoAssign:ApiKeys:1:Name"] = "sales-ops" };
            await using (var server = await TestServer.StartAsync(named, dataDirectory: data))
            {
                var editor = Shapes.Key(TestServer.EditorKey);
                await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("west", Shapes.Square(0, 0, 1), owner: "rep-a") } }, editor);
                version = (await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { Override("acme", "rep-key", isProtected: true) } }, editor)).MapVersion;
                var denied = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest
                {
                    Overrides = { Override("x", "y") },
                }, Shapes.Key(TestServer.ReaderKey)).ResponseAsync);
                Assert.Contains("UpsertOverrides", denied.Status.Detail);
            }

            await using (var server = await TestServer.StartAsync(TestServer.WithKeys, dataDirectory: data))
            {
                var reader = Shapes.Key(TestServer.ReaderKey);
                var got = await Accounts(server).GetOverrideAsync(new GetOverrideRequest { AccountId = "acme" }, reader);
                Assert.Equal(("rep-key", true, version), (got.Override.OwnerId, got.Override.Protected, got.MapVersion));
                Assert.Equal("sales-ops", got.Override.SetBy);
                var answer = (await server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5, AccountId = "acme" }, reader)).Assignment;
                Assert.Equal("rep-key", answer.OwnerId);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_rollback_restores_territories_and_leaves_overrides_set_since_in_force()
    {
        await using var server = await TestServer.StartAsync();
        var past = await SeedAsync(server);
        await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("west", Shapes.Square(0, 0, 1), owner: "rep-c") } });
        await Accounts(server).UpsertOverridesAsync(new UpsertOverridesRequest { Overrides = { Override("acme", "rep-key") } });

        var rollback = await server.Territories.RollbackMapAsync(new RollbackMapRequest { Version = past });

        var plain = await ResolveAsync(server, 0.5, 0.5, "");
        Assert.Equal(("west", "rep-a"), (plain.TerritoryId, plain.OwnerId));
        var withAccount = await ResolveAsync(server, 0.5, 0.5, "acme");
        Assert.Equal(("west", "rep-key", Reason.AccountOverride), (withAccount.TerritoryId, withAccount.OwnerId, withAccount.Reason));
        Assert.Equal(rollback.MapVersion, withAccount.MapVersion);
    }
}
