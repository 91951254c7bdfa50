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

    private static ValidationProblemKind Kind(ValidationResult result) => Assert.Single(result.Problems).Kind;

    private static NetTopologySuite.Geometries.Geometry Scaled(Territory territory, double factor)
    {
        var centre = territory.Geometry.Centroid.Coordinate;
        var transform = NetTopologySuite.Geometries.Utilities.AffineTransformation.ScaleInstance(factor, factor, centre.X, centre.Y);
        return transform.Transform(territory.Geometry);
    }
}
