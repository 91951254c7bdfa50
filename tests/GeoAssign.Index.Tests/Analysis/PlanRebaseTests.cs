// Rebasing a plan onto the live map: conflicts are exactly the ids both sides changed differently.
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.Analysis;

public sealed class PlanRebaseTests
{
    private static readonly Territory Region = Shapes.Territory("region", Shapes.Rectangle(-1, -1, 7, 7), layer: "region");

    [Fact]
    public void Changes_to_different_territories_rebase_cleanly_onto_the_live_map()
    {
        var baseMap = Build(Grid());
        var live = Apply(baseMap, [Square("t00") with { OwnerId = "rep-live" }], ["t05"]);
        var plan = Apply(baseMap, [Square("t01") with { OwnerId = "rep-plan" }, Shapes.Square("plan-new", 10, 10)], ["t06"]);

        var result = PlanRebase.Rebase(baseMap, live, plan);

        Assert.True(result.IsClean);
        Assert.Equal(["t00", "t05"], result.LiveChanges.Select(c => c.Id));
        Assert.Equal(["plan-new", "t01", "t06"], result.PlanChanges.Select(c => c.Id));
        Assert.NotNull(result.Change);
        Assert.Equal(live.Version + 1, result.Change.Version);
        Assert.Equal(["plan-new", "t01"], result.Change.Upserts.Select(t => t.Id));
        Assert.Equal(["t06"], result.Change.Deletes);
        var merged = Writer(live).Apply(result.Change);
        Assert.Equal("rep-live", merged.Territories["t00"].Territory.OwnerId);
        Assert.Equal("rep-plan", merged.Territories["t01"].Territory.OwnerId);
        Assert.False(merged.Territories.ContainsKey("t05") || merged.Territories.ContainsKey("t06"));
    }

    [Fact]
    public void The_same_change_on_both_sides_is_already_live_not_a_conflict()
    {
        var baseMap = Build(Grid());
        var same = Square("t02") with { OwnerId = "rep-both", Geometry = Shapes.Rectangle(2, 0, 3.5, 1) };
        var live = Apply(baseMap, [same], ["t07"]);
        var plan = Apply(baseMap, [same with { Geometry = same.Geometry.Copy() }], ["t07"]);

        var result = PlanRebase.Rebase(baseMap, live, plan);

        Assert.True(result.IsClean);
        Assert.Equal(["t02", "t07"], result.AlreadyLive.AsEnumerable());
        Assert.True(result.Change!.IsEmpty);
    }

    [Fact]
    public void Different_changes_to_one_territory_conflict_and_produce_no_change()
    {
        var baseMap = Build(Grid());
        var live = Apply(baseMap, [Square("t03") with { OwnerId = "rep-live" }, Shapes.Square("new", 20, 20)], ["t08"]);
        var plan = Apply(baseMap, [Square("t03") with { Priority = 4 }, Square("t08") with { Name = "kept" }, Shapes.Square("new", 21, 20)], []);

        var result = PlanRebase.Rebase(baseMap, live, plan);

        Assert.False(result.IsClean);
        Assert.Null(result.Change);
        Assert.Equal(["new", "t03", "t08"], result.Conflicts.Select(c => c.Id));
        var owner = result.Conflicts[1];
        Assert.Equal(TerritoryFields.Owner, owner.Live.Fields);
        Assert.Equal(TerritoryFields.Priority, owner.Plan.Fields);
        Assert.Equal(TerritoryChangeKind.Deleted, result.Conflicts[2].Live.Kind);
        Assert.Equal(TerritoryChangeKind.Changed, result.Conflicts[2].Plan.Kind);
    }

    [Fact]
    public void Random_edits_on_both_sides_conflict_exactly_where_they_differ_and_otherwise_equal_sequential_application()
    {
        int clean = 0, conflicted = 0, alreadyLive = 0;
        for (var seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var start = Grid();
            var liveEdits = RandomEdits(start, random, "live", random.Next(0, 6));
            var planEdits = RandomEdits(start, random, "plan", random.Next(0, 6));

            // Some edits are made on both sides, identically or not.
            if (random.Next(3) == 0 && liveEdits.Count > 0)
            {
                var (id, edit) = liveEdits.ElementAt(random.Next(liveEdits.Count));
                planEdits[id] = random.Next(2) == 0 ? edit : edit is null ? start.Single(t => t.Id == id) with { Name = "revived" } : edit with { Name = edit.Name + "!" };
            }

            if (random.Next(4) == 0)
            {
                var created = Shapes.Square("both-new", 30, 30);
                liveEdits[created.Id] = created;
                planEdits[created.Id] = random.Next(2) == 0 ? created : created with { OwnerId = "rep-other" };
            }

            var live = Apply(start, liveEdits);
            var plan = Apply(start, planEdits);

            var result = PlanRebase.Rebase(start.ToDictionary(t => t.Id), live, plan, changeVersion: 3);

            var baseById = start.ToDictionary(t => t.Id);
            bool Changed(string id, Territory? to) => !Equals(baseById.GetValueOrDefault(id), to);
            var liveChanged = liveEdits.Where(e => Changed(e.Key, e.Value)).ToDictionary(e => e.Key, e => e.Value);
            var planChanged = planEdits.Where(e => Changed(e.Key, e.Value)).ToDictionary(e => e.Key, e => e.Value);
            var expectedConflicts = planChanged.Keys.Where(id => liveChanged.ContainsKey(id) && !Equals(planChanged[id], liveChanged[id])).Order(StringComparer.Ordinal);
            Assert.Equal(expectedConflicts, result.Conflicts.Select(c => c.Id));
            Assert.Equal(planChanged.Keys.Order(StringComparer.Ordinal), result.PlanChanges.Select(c => c.Id));
            Assert.Equal(liveChanged.Keys.Order(StringComparer.Ordinal), result.LiveChanges.Select(c => c.Id));
            alreadyLive += result.AlreadyLive.Length;
            if (!result.IsClean)
            {
                conflicted++;
                continue;
            }

            // B + E + D in sequence, as plain upserts and deletes, against L + the rebased change.
            var sequential = start.ToDictionary(t => t.Id, StringComparer.Ordinal);
            foreach (var edits in new[] { liveChanged, planChanged })
            {
                foreach (var (id, edit) in edits)
                {
                    if (edit is null) sequential.Remove(id);
                    else sequential[id] = edit;
                }
            }

            var validation = new TerritoryValidator().ValidateChange(live, result.Change!);
            Assert.True(validation.IsValid, validation.ToString());
            var rebased = Apply(live.Values.ToList(), result.Change!.Upserts.ToDictionary(t => t.Id, Territory? (t) => t)
                .Concat(result.Change.Deletes.Select(id => KeyValuePair.Create(id, (Territory?)null))).ToDictionary());
            Assert.Equal(sequential.Keys.Order(StringComparer.Ordinal), rebased.Keys.Order(StringComparer.Ordinal));
            Assert.All(sequential, e => Assert.Equal(e.Value, rebased[e.Key]));
            clean++;
        }

        Assert.True(clean > 130 && conflicted > 65 && alreadyLive > 35, $"{clean} clean, {conflicted} with conflicts, {alreadyLive} already live");
    }

    // Edits by id: a new version of the territory, or null for a deletion.
    private static Dictionary<string, Territory?> RandomEdits(List<Territory> start, Random random, string side, int count)
    {
        var edits = new Dictionary<string, Territory?>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var t = start[random.Next(1, start.Count)]; // never the region: it is every square's parent
            edits[t.Id] = random.Next(6) switch
            {
                0 => t with { OwnerId = $"rep-{side}-{random.Next(3)}" },
                1 => t with { Name = $"{side} name" },
                2 => t with { Geometry = Shapes.Rectangle(0, 0, 1 + random.Next(3), 1) },
                3 => t with { Priority = random.Next(1, 3) },
                4 => null,
                _ => t with { Attributes = TerritoryAttributes.Parse($$"""{"side":"{{side}}"}""") },
            };
        }

        if (random.Next(2) == 0)
        {
            var created = Shapes.Square($"{side}-new", 40 + random.Next(5), 0, parentId: "region");
            edits[created.Id] = created;
        }

        return edits;
    }

    // The region and a 6 x 6 grid of squares t00..t35 with it as parent, five owners.
    private static List<Territory> Grid()
    {
        var grid = new List<Territory> { Region };
        for (var i = 0; i < 36; i++)
        {
            grid.Add(Shapes.Square($"t{i:00}", i % 6, i / 6, parentId: "region") with { OwnerId = $"rep-{i % 5}" });
        }

        return grid;
    }

    private static Territory Square(string id) => Grid().Single(t => t.Id == id);

    private static TerritoryMap Build(List<Territory> territories) => new TerritoryMapWriter().Apply(new MapChange(1, territories, []));

    private static TerritoryMap Apply(TerritoryMap map, IEnumerable<Territory> upserts, IEnumerable<string> deletes) =>
        Writer(map).Apply(new MapChange(map.Version + 1, upserts, deletes));

    // The territories with the edits applied, as id -> territory.
    private static Dictionary<string, Territory> Apply(List<Territory> territories, Dictionary<string, Territory?> edits)
    {
        var result = territories.ToDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var (id, edit) in edits)
        {
            if (edit is null) result.Remove(id);
            else result[id] = edit;
        }

        return result;
    }

    // A writer holding a copy of the map (same territories and version), to apply a change on top of it.
    private static TerritoryMapWriter Writer(TerritoryMap map)
    {
        var writer = new TerritoryMapWriter();
        writer.Apply(new MapChange(map.Version, map.Territories.Values.Select(t => t.Territory), []));
        return writer;
    }
}
