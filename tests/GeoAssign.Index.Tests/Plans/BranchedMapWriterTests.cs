// The writer of the live map and its plans: a plan built by edits equals a fresh build, and the live map never sees a plan edit.
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Index.Validation;
using GeoAssign.Testing;
using Xunit;

namespace GeoAssign.Index.Tests.Plans;

public sealed class BranchedMapWriterTests
{
    [Fact]
    public void A_plan_built_by_edits_has_the_index_of_a_fresh_build_of_the_same_territories_and_the_live_map_is_untouched()
    {
        var counties = TestDatasets.UsStatesAndCountiesExtract();
        var writer = new BranchedMapWriter();
        var live = writer.Apply(new MapChange(1, counties, [])).Live;
        writer.Apply(new MapChange(2, [], []) { Plan = "p", Operation = PlanOperation.CreateFromLive(1) });

        // 40 edits of the plan: owners, moved borders (scaled about the centroid), deletes, new squares.
        var random = new Random(17);
        var expected = counties.ToDictionary(t => t.Id, StringComparer.Ordinal);
        for (var version = 3; version < 43; version++)
        {
            var ids = expected.Keys.Order(StringComparer.Ordinal).ToList();
            var pick = expected[ids[random.Next(ids.Count)]];
            MapChange change = random.Next(4) switch
            {
                0 => new MapChange(version, [pick with { OwnerId = $"rep-{random.Next(50)}" }], []),
                1 => new MapChange(version, [pick with { Geometry = Scaled(pick, 0.97 + random.NextDouble() * 0.06) }], []),
                2 when expected.Values.All(t => t.ParentId != pick.Id) => new MapChange(version, [], [pick.Id]),
                _ => new MapChange(version, [ChangeHistories.Square($"new-{version}", -100 + random.NextDouble() * 20, 30 + random.NextDouble() * 10, 0.3, layer: pick.Layer)], []),
            };
            writer.Apply(change.For("p", ChangeInfo.None));
            foreach (var id in change.Deletes)
            {
                expected.Remove(id);
            }

            foreach (var territory in change.Upserts)
            {
                expected[territory.Id] = territory;
            }
        }

        var plan = writer.Current.Plans["p"].Map;
        var fresh = new TerritoryMapWriter().Apply(new MapChange(plan.Version, expected.Values, []));
        Assert.Equal(fresh.Layers.Keys, plan.Layers.Keys);
        foreach (var (layer, index) in fresh.Layers)
        {
            Assert.Equal(index.Checksum, plan.Layers[layer].Checksum);
        }

        Assert.Same(live, writer.Current.Live);
        Assert.Equal(1, writer.Current.Live.Version);
        Assert.Equal(42, writer.Current.Position);
    }

    [Fact]
    public void Plan_changes_that_break_the_plan_rules_are_refused_naming_the_problem()
    {
        var writer = new BranchedMapWriter();
        writer.Apply(new MapChange(1, [ChangeHistories.Square("a", 0, 0, 1)], []));
        writer.Apply(new MapChange(2, [], []) { Plan = "p", Operation = PlanOperation.CreateFromLive(1) });

        Assert.Equal(ValidationProblemKind.UnknownPlan, Kind(writer.Validate(new MapChange(3, [ChangeHistories.Square("b", 2, 0, 1)], []) { Plan = "q" })));
        Assert.Equal(ValidationProblemKind.PlanExists, Kind(writer.Validate(new MapChange(3, [], []) { Plan = "p", Operation = PlanOperation.CreateFromLive(1) })));
        Assert.Equal(ValidationProblemKind.InvalidPlanName, Kind(writer.Validate(new MapChange(3, [], []) { Plan = "no spaces", Operation = PlanOperation.CreateFromLive(1) })));

        writer.Apply(new MapChange(3, [], []) { Operation = PlanOperation.Activate("p", 2) });
        Assert.Equal(PlanStatus.Activated, writer.Current.Plans["p"].Status);
        Assert.Equal(ValidationProblemKind.PlanClosed, Kind(writer.Validate(new MapChange(4, [ChangeHistories.Square("b", 2, 0, 1)], []) { Plan = "p" })));
        Assert.Equal(ValidationProblemKind.PlanClosed, Kind(writer.Validate(new MapChange(4, [], []) { Operation = PlanOperation.Activate("p", 2) })));
        Assert.True(writer.Validate(new MapChange(4, [], []) { Plan = "p", Operation = PlanOperation.Delete }).IsValid);
    }

    [Fact]
    public void An_exact_activation_takes_over_the_plans_index_and_answers_as_a_fresh_build_before_and_after_later_edits()
    {
        var counties = TestDatasets.UsStatesAndCountiesExtract();
        var writer = new BranchedMapWriter();
        writer.Apply(new MapChange(1, counties, []));
        writer.Apply(new MapChange(2, [], []) { Plan = "p", Operation = PlanOperation.CreateFromLive(1) });
        writer.Apply(new MapChange(3, [], []) { Plan = "q", Operation = PlanOperation.CreateFromLive(1) });
        var random = new Random(29);
        var expected = counties.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var version = 4L;
        foreach (var pick in counties.Where(t => t.Layer == counties[^1].Layer && Inland(t)).OrderBy(_ => random.Next()).Take(12))
        {
            var edited = random.Next(2) == 0 ? pick with { OwnerId = "rep-new" } : pick with { Geometry = Scaled(pick, 0.95 + random.NextDouble() * 0.1) };
            writer.Apply(new MapChange(version++, [edited], []).For("p", ChangeInfo.None));
            expected[edited.Id] = edited;
        }

        var square = ChangeHistories.Square("new-square", -105, 39, 0.4, layer: counties[^1].Layer);
        writer.Apply(new MapChange(version++, [square], []).For("p", ChangeInfo.None));
        expected[square.Id] = square;
        // Live versions that change only overrides keep the activation exact.
        writer.Apply(new MapChange(version++, [], []) { OverrideUpserts = [new GeoAssign.Index.Accounts.AccountOverride { AccountId = "acme", OwnerId = "rep-key" }] });
        var planMap = writer.Current.Plans["p"].Map;
        var planChecksums = planMap.Layers.ToDictionary(l => l.Key, l => l.Value.Checksum);

        var activation = PlanActivation.Plan(writer.Current, writer.Current.Plans["p"], rebase: false, allowNewOverlaps: true, ChangeInfo.None);
        var live = writer.Apply(Assert.IsType<MapChange>(activation.Change)).Live;

        Assert.Same(planMap.Layers, live.Layers);
        Assert.Equal(activation.Change!.Version, live.Version);
        Assert.Equal("rep-key", live.Overrides.TryGet("acme", out var kept) ? kept.OwnerId : null);
        AssertAnswersAsFreshBuild(live, expected.Values, random);

        // Later live edits build on the taken-over index; the activated plan's map and the other plan stay as they were.
        var moved = expected.Values.Where(t => t.Layer == square.Layer && t.Id != square.Id && Inland(t)).OrderBy(t => t.Id, StringComparer.Ordinal).Take(3).ToList();
        var later = new MapChange(version + 1, [.. moved.Select(t => t with { Geometry = Scaled(t, 1.04) }), ChangeHistories.Square("late", -100, 35, 0.5, layer: square.Layer)], [square.Id]);
        var after = writer.Apply(later).Live;
        foreach (var territory in later.Upserts)
        {
            expected[territory.Id] = territory;
        }

        expected.Remove(square.Id);
        AssertAnswersAsFreshBuild(after, expected.Values, random);
        Assert.Same(planMap, writer.Current.Plans["p"].Map);
        Assert.Equal(planChecksums, planMap.Layers.ToDictionary(l => l.Key, l => l.Value.Checksum));
        var other = writer.Current.Plans["q"].Map;
        AssertAnswersAsFreshBuild(other, counties, random);
        writer.Apply(new MapChange(version + 2, [ChangeHistories.Square("q-only", -90, 33, 0.5, layer: square.Layer)], []).For("q", ChangeInfo.None));
        Assert.False(writer.Current.Live.Territories.ContainsKey("q-only"));
        Assert.Same(after, writer.Current.Live);
    }

    [Fact]
    public void An_activation_rebased_onto_a_moved_live_map_is_indexed_as_a_change_and_answers_as_a_fresh_build()
    {
        var counties = TestDatasets.UsStatesAndCountiesExtract();
        var writer = new BranchedMapWriter();
        writer.Apply(new MapChange(1, counties, []));
        writer.Apply(new MapChange(2, [], []) { Plan = "p", Operation = PlanOperation.CreateFromLive(1) });
        var layer = counties[^1].Layer;
        var ids = counties.Where(t => t.Layer == layer).Select(t => t.Id).Order(StringComparer.Ordinal).ToList();
        var planEdit = counties.Single(t => t.Id == ids[0]) with { OwnerId = "rep-plan" };
        var liveEdit = counties.Single(t => t.Id == ids[1]) with { OwnerId = "rep-live" };
        writer.Apply(new MapChange(3, [planEdit], []).For("p", ChangeInfo.None));
        writer.Apply(new MapChange(4, [liveEdit], []));

        var activation = PlanActivation.Plan(writer.Current, writer.Current.Plans["p"], rebase: true, allowNewOverlaps: true, ChangeInfo.None);
        var live = writer.Apply(Assert.IsType<MapChange>(activation.Change)).Live;

        Assert.NotSame(writer.Current.Plans["p"].Map.Layers, live.Layers);
        var expected = counties.ToDictionary(t => t.Id, StringComparer.Ordinal);
        expected[planEdit.Id] = planEdit;
        expected[liveEdit.Id] = liveEdit;
        AssertAnswersAsFreshBuild(live, expected.Values, new Random(5));
    }

    [Fact]
    public void Reaches_holds_only_when_the_change_gives_exactly_the_plans_territories()
    {
        var a = ChangeHistories.Square("a", 0, 0, 1);
        var b = ChangeHistories.Square("b", 2, 0, 1);
        var c = ChangeHistories.Square("c", 4, 0, 1);
        var live = new TerritoryMapWriter().Apply(new MapChange(1, [a, b], []));
        var plan = new TerritoryMapWriter().Apply(new MapChange(1, [a, b with { OwnerId = "x" }, c], []));

        Assert.True(BranchedMapWriter.Reaches(live, new MapChange(2, [b with { OwnerId = "x" }, c], []), plan));
        Assert.False(BranchedMapWriter.Reaches(live, new MapChange(2, [c], []), plan));
        Assert.False(BranchedMapWriter.Reaches(live, new MapChange(2, [b with { OwnerId = "y" }, c], []), plan));
        Assert.False(BranchedMapWriter.Reaches(live, new MapChange(2, [b with { OwnerId = "x" }, c], ["a"]), plan));
        Assert.False(BranchedMapWriter.Reaches(live, new MapChange(2, [b with { OwnerId = "x" }, c, ChangeHistories.Square("d", 6, 0, 1)], []), plan));
        var withExtra = new TerritoryMapWriter().Apply(new MapChange(1, [a, b, ChangeHistories.Square("e", 8, 0, 1)], []));
        Assert.False(BranchedMapWriter.Reaches(withExtra, new MapChange(2, [b with { OwnerId = "x" }, c], []), plan));
        Assert.True(BranchedMapWriter.Reaches(withExtra, new MapChange(2, [b with { OwnerId = "x" }, c], ["e"]), plan));
    }

    // The map answers every layer as a fresh index of the same territories: same checksums, and the same
    // territory and reason at random points and at points a few centimetres off the territories' vertices.
    private static void AssertAnswersAsFreshBuild(TerritoryMap map, IEnumerable<Territory> territories, Random random)
    {
        var list = territories.ToList();
        var fresh = new TerritoryMapWriter().Apply(new MapChange(1, list, []));
        Assert.Equal(fresh.Layers.Keys, map.Layers.Keys);
        Assert.Equal(list.Select(t => t.Id).Order(StringComparer.Ordinal), map.Territories.Keys.Order(StringComparer.Ordinal));
        foreach (var (layer, index) in fresh.Layers)
        {
            Assert.Equal(index.Checksum, map.Layers[layer].Checksum);
            var envelope = new NetTopologySuite.Geometries.Envelope();
            foreach (var territory in list.Where(t => t.Layer == layer))
            {
                envelope.ExpandToInclude(territory.Geometry.EnvelopeInternal);
            }

            var points = new List<(double Lat, double Lng)>();
            for (var i = 0; i < 2_000; i++)
            {
                points.Add((envelope.MinY + random.NextDouble() * envelope.Height, envelope.MinX + random.NextDouble() * envelope.Width));
            }

            foreach (var territory in list.Where(t => t.Layer == layer).Take(60))
            {
                var vertex = territory.Geometry.Coordinates[random.Next(territory.Geometry.NumPoints)];
                points.Add((vertex.Y + (random.NextDouble() - 0.5) * 1e-6, vertex.X + (random.NextDouble() - 0.5) * 1e-6));
            }

            foreach (var (lat, lng) in points)
            {
                var want = index.Resolve(lat, lng);
                var got = map.Layers[layer].Resolve(lat, lng);
                Assert.True(want.Territory?.Territory.Id == got.Territory?.Territory.Id && want.Reason == got.Reason,
                    $"{layer} ({lat}, {lng}): fresh {want.Territory?.Territory.Id} {want.Reason}, map {got.Territory?.Territory.Id} {got.Reason}");
            }
        }
    }

    // Away from the antimeridian, so that scaling about the centroid keeps longitudes in range.
    private static bool Inland(Territory territory) => territory.Geometry.EnvelopeInternal is { MinX: > -170, MaxX: < -60 };

    private static ValidationProblemKind Kind(ValidationResult result) => Assert.Single(result.Problems).Kind;

    private static NetTopologySuite.Geometries.Geometry Scaled(Territory territory, double factor)
    {
        var centre = territory.Geometry.Centroid.Coordinate;
        var transform = NetTopologySuite.Geometries.Utilities.AffineTransformation.ScaleInstance(factor, factor, centre.X, centre.Y);
        return transform.Transform(territory.Geometry);
    }
}
