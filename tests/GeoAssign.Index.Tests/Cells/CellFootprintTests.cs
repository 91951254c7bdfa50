// The cell footprints behind interior answers really contain what H3 maps to a cell.
using Xunit;
using GeoAssign.H3;
using GeoAssign.Index.Cells;
using H3Api = GeoAssign.H3.H3;

namespace GeoAssign.Index.Tests.Cells;

public sealed class CellFootprintTests
{
    private static IEnumerable<H3Index> SampleCells(int perResolution, int seed)
    {
        var random = new Random(seed);
        for (int res = 0; res <= 14; res++)
        {
            foreach (var p in H3Api.GetPentagons(res)) yield return p;
            for (int i = 0; i < perResolution; i++)
            {
                double lat = Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI;
                double lng = random.NextDouble() * 360 - 180;
                yield return H3Api.LatLngToCell(lat, lng, res);
            }
            // Cells at the poles and on the antimeridian.
            yield return H3Api.LatLngToCell(90, 0, res);
            yield return H3Api.LatLngToCell(-90, 0, res);
            yield return H3Api.LatLngToCell(random.NextDouble() * 160 - 80, 180, res);
        }
    }

    [Fact]
    public void A_childs_cap_is_at_most_half_its_parents_so_descendants_stay_within_twice_the_parents_cap()
    {
        double worst = 0;
        H3Index worstCell = default;
        foreach (var parent in SampleCells(300, 1))
        {
            var (_, parentRadius) = H3Api.CellToBoundingCap(parent);
            foreach (var child in H3Api.CellToChildren(parent, parent.Resolution + 1))
            {
                double ratio = H3Api.CellToBoundingCap(child).RadiusRadians / parentRadius;
                if (ratio > worst)
                {
                    worst = ratio;
                    worstCell = child;
                }
            }
        }
        Assert.True(worst <= CellFootprint.ChildRadiusRatio, $"child {worstCell} has {worst:F4} of its parent's cap radius");
    }

    [Fact]
    public void Every_point_that_H3_maps_to_a_cell_lies_inside_its_footprint()
    {
        var random = new Random(2);
        int checkedPoints = 0;
        foreach (var cell in SampleCells(200, 3))
        {
            var footprint = CellFootprint.Cell(cell);
            var boundary = H3Api.CellToBoundary(cell);
            var center = H3Api.CellToLatLng(cell);
            // Points just inside and just outside every vertex and edge midpoint, plus the vertices themselves.
            for (int i = 0; i < boundary.Count; i++)
            {
                var a = boundary[i];
                var b = boundary[(i + 1) % boundary.Count];
                foreach (var t in (ReadOnlySpan<double>)[0, 0.5, random.NextDouble()])
                {
                    double lng = a.Lng + t * LngDelta(a.Lng, b.Lng), lat = a.Lat + t * (b.Lat - a.Lat);
                    foreach (var s in (ReadOnlySpan<double>)[1.0, 1.0 + 1e-9, 1.0 - 1e-9, 1.001])
                    {
                        double plat = center.Lat + s * (lat - center.Lat);
                        double plng = Wrap(center.Lng + s * LngDelta(center.Lng, lng));
                        if (Math.Abs(plat) > 90) continue;
                        if (H3Api.LatLngToCell(plat, plng, cell.Resolution) != cell) continue;
                        checkedPoints++;
                        Assert.True(Contains(footprint, plng, plat), $"({plat:R}, {plng:R}) maps to {cell} but lies outside its footprint");
                    }
                }
            }
        }
        Assert.True(checkedPoints > 10_000, $"only {checkedPoints} points checked");
    }

    private static bool Contains(CellFootprint f, double lng, double lat) =>
        f.First.Contains(lng, lat) || (f.Count == 2 && f.Second.Contains(lng, lat));

    private static double LngDelta(double from, double to)
    {
        double d = to - from;
        if (d > 180) d -= 360;
        if (d < -180) d += 360;
        return d;
    }

    private static double Wrap(double lng) => lng > 180 ? lng - 360 : lng < -180 ? lng + 360 : lng;
}
