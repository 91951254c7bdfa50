// Map diffs of random plans against brute-force point sampling on both maps: synthetic maps and real counties.
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using Xunit;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;
using Xunit.Abstractions;

namespace GeoAssign.Index.Tests.Analysis;

public sealed class MapDiffAgreementTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> SyntheticCases => new()
    {
        { "mid-latitudes", 1 },
        { "mid-latitudes", 2 },
        { "mid-latitudes", 3 },
        { "pentagon-bc4", 4 },
        { "north-pole", 5 },
        { "south-pole", 6 },
    };

    [Theory]
    [MemberData(nameof(SyntheticCases))]
    public void Random_plans_of_synthetic_maps_with_overlaps_holes_and_enclaves_agree_with_brute_force(string regionName, int seed)
    {
        var region = regionName switch
        {
            "pentagon-bc4" => SyntheticRegion.AroundPentagonNorway,
            "north-pole" => SyntheticRegion.NearNorthPole,
            "south-pole" => SyntheticRegion.NearSouthPole,
            _ => new SyntheticRegion("mid-latitudes", -100, 35, -94, 40),
        };
        var before = SyntheticTerritories.Generate(region, new SyntheticMapOptions
        {
            Seed = seed, CellCount = 60, OverlayCount = 8, HoleFraction = 0.2, OwnerCount = 12,
        });
        var after = RandomPlan(before, region, new Random(seed), edits: 25);

        var diff = MapDiff.Compare(MapDiffTests.Map([.. before]), MapDiffTests.Map([.. after]));

        Assert.NotEmpty(diff.Layers);
        var box = new LngLatRect(region.MinLng, region.MinLat, region.MaxLng, region.MaxLat);
        var nearBorders = new PointSampler(before.Concat(after), seed).NearBorder(6000);
        OwnerChangeOracle.AssertAgrees(before, after, diff, box, uniformCount: 60_000, seed, nearBorders, output);
    }

    [Fact]
    public void Reassigning_a_tenth_of_the_us_counties_and_moving_borders_agrees_with_brute_force()
    {
        var counties = TestDatasets.UsCountiesFull();
        var plan = RedistrictingPlans.Redistrict(counties, reassign: counties.Count / 10, borderMoves: 40, seed: 11);

        var diff = MapDiff.Compare(MapDiffTests.Map([.. counties]), MapDiffTests.Map([.. plan.Plan]));

        Assert.Equal(plan.ChangedIds.Order(StringComparer.Ordinal), diff.Changes.Select(c => c.Id));
        Assert.Equal(40, plan.BorderMoves.Count);
        var layer = Assert.Single(diff.Layers);
        var byId = plan.Plan.ToDictionary(t => t.Id);
        var original = counties.ToDictionary(t => t.Id);
        foreach (var (gainer, loser) in plan.BorderMoves)
        {
            // The disc's part of the loser changes hands unless the two end up with one owner.
            if (byId[gainer].OwnerId != original[loser].OwnerId)
            {
                Assert.Contains(layer.Areas, a => a.OldTerritoryId == loser && a.NewTerritoryId == gainer && a.AreaKm2 > 0);
            }
        }

        var conus = new LngLatRect(-125, 24.5, -66.9, 49.5);
        var nearBorders = new PointSampler(plan.ChangedIds.Select(id => original[id]).Concat(plan.ChangedIds.Select(id => byId[id])), 12).NearBorder(20_000);
        OwnerChangeOracle.AssertAgrees(counties, plan.Plan, diff, conus, uniformCount: 150_000, seed: 13, nearBorders, output);
        output.WriteLine($"{diff.Changes.Length} counties changed, {layer.Transfers.Length} owner pairs, {layer.ChangedAreaKm2:N0} km² change owner");
    }

    // Random edits of every kind the diff distinguishes, each keeping the map valid.
    internal static List<Territory> RandomPlan(IReadOnlyList<Territory> map, SyntheticRegion region, Random random, int edits)
    {
        var plan = map.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var owners = map.Select(t => t.OwnerId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var clip = new GeometryFactory().ToGeometry(new Envelope(region.MinLng, Math.Min(180, region.MaxLng), region.MinLat, region.MaxLat));
        for (var i = 0; i < edits; i++)
        {
            var ids = plan.Keys.Order(StringComparer.Ordinal).ToList();
            var t = plan[ids[random.Next(ids.Count)]];
            var roll = random.NextDouble();
            if (roll < 0.3)
            {
                plan[t.Id] = t with { OwnerId = owners[random.Next(owners.Length)] };
            }
            else if (roll < 0.4)
            {
                plan[t.Id] = t with { Priority = random.Next(-1, 6) };
            }
            else if (roll < 0.6)
            {
                var moved = Polygonal(OverlayNGRobust.Overlay(Transform(t.Geometry, random, region), clip, SpatialFunction.Intersection));
                if (!moved.IsEmpty)
                {
                    plan[t.Id] = t with { Geometry = moved, OwnerId = random.Next(2) == 0 ? t.OwnerId : owners[random.Next(owners.Length)] };
                }
            }
            else if (roll < 0.7)
            {
                plan.Remove(t.Id);
            }
            else if (roll < 0.8)
            {
                var created = t with
                {
                    Id = $"new-{i}",
                    OwnerId = owners[random.Next(owners.Length)],
                    Priority = random.Next(-1, 3),
                    Geometry = Polygonal(OverlayNGRobust.Overlay(Transform(t.Geometry, random, region), clip, SpatialFunction.Intersection)),
                };
                if (!created.Geometry.IsEmpty)
                {
                    plan[created.Id] = created;
                }
            }
            else if (roll < 0.85)
            {
                plan[t.Id] = t with { Layer = "other" };
            }
            else
            {
                plan[t.Id] = t with { Name = t.Name + "*" };
            }
        }

        return [.. plan.Values.OrderBy(t => t.Id, StringComparer.Ordinal)];
    }

    private static NtsGeometry Transform(NtsGeometry geometry, Random random, SyntheticRegion region)
    {
        var c = geometry.Centroid.Coordinate;
        var scale = 0.8 + random.NextDouble() * 0.5;
        var dx = (random.NextDouble() - 0.5) * 0.1 * (region.MaxLng - region.MinLng);
        var dy = (random.NextDouble() - 0.5) * 0.1 * (region.MaxLat - region.MinLat);
        return AffineTransformation.TranslationInstance(-c.X, -c.Y).Scale(scale, scale).Translate(c.X + dx, c.Y + dy).Transform(geometry);
    }

    private static NtsGeometry Polygonal(NtsGeometry geometry)
    {
        var polygons = Enumerable.Range(0, geometry.NumGeometries).Select(geometry.GetGeometryN).OfType<Polygon>().Where(p => !p.IsEmpty).ToArray();
        return polygons.Length switch
        {
            0 => geometry.Factory.CreatePolygon(),
            1 => polygons[0],
            _ => geometry.Factory.CreateMultiPolygon(polygons),
        };
    }
}
