// CellToLatLng, CellToBoundary and cell areas against h3-js on every pentagon, face-edge cells and random cells.
using GeoAssign.H3.Tests.Oracle;
using Xunit.Abstractions;

namespace GeoAssign.H3.Tests;

[Collection(H3OracleCollection.Name)]
public sealed class CellGeometryTests(H3Oracle oracle, ITestOutputHelper output)
{
    // Centres and vertices are the same gnomonic mapping as H3's, but we compute it through the
    // face's tangent plane and h3-js with spherical trigonometry on V8's sin, cos, atan2 and asin
    // (which differ from .NET's in the last bit on a few percent of arguments), so positions agree
    // to about 2e-13° but not bit for bit. They are compared by great-circle distance, within 1e-12
    // degrees of arc (about 0.1 µm) plus the one amplification in H3's arithmetic: next to the poles
    // it recovers latitude as asin(z) of a z near 1, where an error of a few ulps in z moves the
    // latitude by ε / cos(lat). We allow 8 machine epsilons (8 × 2^-52), which adds 1e-13° at the
    // equator and 5.8e-11° at 89.9°; within a metre of a pole h3-js's vertices lie up to ~1e-7° of
    // arc (about a centimetre) from ours, a tenth of that allowance.
    private const double ArcToleranceDegrees = 1e-12;
    private const double PolarAsinErrorEpsilons = 8;
    private const double MachineEpsilon = 2.220446049250313e-16;

    // Our area (Van Oosterom–Strackee triangles over the boundary) and h3-js's (Cagnoli terms over
    // the boundary's longitudes) differ by up to ~3e-8 relative on res 13–15 cells, where h3-js sums
    // terms far larger than the area; 1e-7 of a res-15 cell is under 0.1 mm². Within some 25 km of
    // a pole h3-js's own error on res-15 cells exceeds it (its vertices carry the asin error above
    // and its Cagnoli terms cancel): the default seed has no such cell among those with areas (its
    // worst is 6.4e-8, 8e03247984f6d07 at 89.36°), but other seeds do (seed 8: 8ff293811a8eb9d, 7e-7).
    private const double AreaRelativeTolerance = 1e-7;

    // h3-js's Cagnoli terms take each edge's longitude difference as is, so across the antimeridian
    // it is near ±2π, rounded to half an ulp of 2π (4.4e-16), and each of the two crossing edges'
    // terms moves by up to twice that: h3-js's area is off by up to ~1.8e-15 sr there, which is
    // 7e-4 of a res-13 cell and up to a few percent of a res-15 one. Known discrepancies above 1e-7
    // (seed 20240607), ours / h3-js in km²:
    //   8d0d9e47037003f (res 13) 4.751851776447992e-5 / 4.755284918585649e-5  (7.2e-4 relative, 8.5e-16 sr)
    //   8dbac44c96768ff (res 13) 4.354115034703918e-5 / 4.353124661870456e-5  (2.3e-4 relative, 2.4e-16 sr)
    //   8c5ba5934468bff (res 12) 2.626190734264223e-4 / 2.6259802579190736e-4 (8.0e-5 relative, 5.2e-16 sr)
    // Across the antimeridian our area is therefore checked against an independent formula, and
    // h3-js's only against this bound of 4 ulps of 2π (plus the 1e-7 and, next to a pole, the
    // effect of the asin allowance on its vertices), so that it cannot drift further unnoticed.
    private const double AntimeridianH3JsAreaErrorRads2 = 4 * 8.881784197001252e-16;

    [Fact]
    public void Golden_cells_include_every_pentagon_and_face_edge_cells()
    {
        var file = oracle.Load("cells");
        var cells = file.U64("cell");
        var pentagon = file.U8("isPentagon");
        var res = file.U8("res");
        var faceCount = file.U8("faceCount");
        var vertexCount = file.U8("vertexCount");
        var classIII = file.U8("isResClassIII");
        Assert.True(cells.Length >= 50_000, $"only {cells.Length} cells");
        Assert.Equal(192, pentagon.Count(p => p == 1));
        Assert.Equal(16, Enumerable.Range(0, cells.Length).Where(i => pentagon[i] == 1).Select(i => res[i]).Distinct().Count());
        // Class III cells crossing an icosahedron edge carry distortion vertices: 7 or more.
        var distorted = Enumerable.Range(0, cells.Length).Count(i => faceCount[i] >= 2 && classIII[i] == 1 && pentagon[i] == 0 && vertexCount[i] > 6);
        Assert.True(distorted >= 1000, $"only {distorted} face-edge cells with distortion vertices");
    }

    [Fact]
    public void CellToLatLng_is_within_1e12_degrees_of_arc_of_h3_js_plus_polar_asin_conditioning()
    {
        var file = oracle.Load("cells");
        var cells = file.U64("cell");
        var labels = file.Str("label");
        var lat = file.F64("lat");
        var lng = file.F64("lng");
        var mismatches = new Mismatches("cell centres", oracle);
        var worst = new WorstArcErrors();
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var expected = new LatLng(lat[i], lng[i]);
            var group = Group(labels[i], expected);
            mismatches.Compare();
            var error = H3.TryCellToLatLng(cell, out var ours);
            var distance = error == H3Error.Success ? SphericalGeometry.ArcDegrees(ours, expected) : double.NaN;
            var tolerance = ArcTolerance(expected.Lat);
            worst.Record(group, cell, -1, distance, tolerance);
            if (!(distance <= tolerance))
            {
                mismatches.Add($"{Show.Cell(cell)} ({labels[i]}, res {cell.Resolution}): ours {Describe(error, ours)}, h3-js {Describe(expected)}, {Show.D(distance)}° of arc apart, allowed {Show.D(tolerance)}°", group, Severity(distance / tolerance));
                continue;
            }

            try
            {
                var thrown = H3.CellToLatLng(cell);
                mismatches.Also(thrown == ours, () => $"{Show.Cell(cell)}: CellToLatLng {Describe(thrown)} but TryCellToLatLng {Describe(ours)}", group);
            }
            catch (Exception e)
            {
                mismatches.Also(false, () => $"{Show.Cell(cell)}: CellToLatLng threw {Show.Error(e)}", group);
            }
        }

        worst.WriteTo(output, "cell centres");
        mismatches.AssertNone();
    }

    [Fact]
    public void CellToBoundary_matches_h3_js_vertex_for_vertex_within_1e12_degrees_of_arc_plus_polar_asin_conditioning()
    {
        var file = oracle.Load("cells");
        var cells = file.U64("cell");
        var labels = file.Str("label");
        var lat = file.F64("lat");
        var lng = file.F64("lng");
        var counts = file.U8("vertexCount");
        var vertices = file.List<double>("vertices");
        var mismatches = new Mismatches("cell boundaries", oracle);
        var worst = new WorstArcErrors();
        Span<LatLng> buffer = stackalloc LatLng[H3.MaxCellBoundaryVertices];
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var what = $"{Show.Cell(cell)} ({labels[i]}, res {cell.Resolution})";
            var group = Group(labels[i], new LatLng(lat[i], lng[i]));
            var expected = vertices[i];
            mismatches.Compare();
            CellBoundary boundary;
            int written;
            try
            {
                boundary = H3.CellToBoundary(cell);
                written = H3.CellToBoundary(cell, buffer);
            }
            catch (Exception e)
            {
                mismatches.Add($"{what}: threw {Show.Error(e)}", group, double.PositiveInfinity);
                continue;
            }

            var (problem, severity) = CompareBoundary(cell, boundary, counts[i], expected, worst, group);
            if (problem is null && written != boundary.Count)
            {
                (problem, severity) = ($"the span overload wrote {written} vertices, the struct has {boundary.Count}", double.PositiveInfinity);
            }

            for (var v = 0; problem is null && v < written; v++)
            {
                if (buffer[v] != boundary[v])
                {
                    (problem, severity) = ($"the span overload's vertex {v} is {Describe(buffer[v])}, the struct's {Describe(boundary[v])}", double.PositiveInfinity);
                }
            }

            if (problem is not null)
            {
                mismatches.Add($"{what}: {problem}", group, severity);
            }
        }

        worst.WriteTo(output, "cell boundary vertices");
        mismatches.AssertNone();
    }

    /// <summary>
    /// Relative 1e-7 with h3-js, except for cells whose boundary crosses the antimeridian, where
    /// h3-js's area is off (see <see cref="AntimeridianH3JsAreaErrorRads2"/>): there our area must
    /// match, within relative 1e-7, an independent computation (L'Huilier triangles on haversine
    /// sides) of our boundary turned 180° about the polar axis, which leaves the area unchanged
    /// and keeps the polygon off the antimeridian; and h3-js's must stay within its known error
    /// there (1e-7 relative plus 4 ulps of 2π, plus the polar asin allowance next to a pole).
    /// </summary>
    [Theory]
    [InlineData("km2")]
    [InlineData("m2")]
    [InlineData("rads2")]
    public void Cell_area_matches_h3_js_within_relative_1e7_or_an_independent_area_across_the_antimeridian(string unit)
    {
        var file = oracle.Load("cells");
        var cells = file.U64("cell");
        var labels = file.Str("label");
        var vertices = file.List<double>("vertices");
        var index = file.I32("area.index");
        var expected = file.F64("area." + unit);
        var unitsPerRads2 = unit switch
        {
            "km2" => H3.EarthRadiusKm * H3.EarthRadiusKm,
            "m2" => H3.EarthRadiusKm * H3.EarthRadiusKm * 1e6,
            _ => 1,
        };
        Assert.True(index.Length >= 2000, $"only {index.Length} cells with areas");
        var mismatches = new Mismatches($"cell areas in {unit}", oracle);
        var worst = new SortedDictionary<string, (double Error, string Cell)>(StringComparer.Ordinal);
        var antimeridianCells = 0;
        foreach (var (i, want) in index.Zip(expected))
        {
            var cell = new H3Index(cells[i]);
            var what = $"{Show.Cell(cell)} ({labels[i]}, res {cell.Resolution})";
            var group = $"res {cell.Resolution:00}";
            mismatches.Compare();
            double ours;
            try
            {
                ours = unit switch
                {
                    "km2" => H3.CellAreaKm2(cell),
                    "m2" => H3.CellAreaM2(cell),
                    _ => H3.CellAreaRads2(cell),
                };
            }
            catch (Exception e)
            {
                mismatches.Add($"{what}: threw {Show.Error(e)}", group, double.PositiveInfinity);
                continue;
            }

            // Within about 50 km of a pole h3-js's own vertices carry the asin error allowed above and its
            // area sum cancels badly (seen on other seeds: 5e-4 relative for a resolution-15 cell at the
            // pole); those cells are checked like the antimeridian ones, against an independent area.
            if (!CrossesAntimeridian(vertices[i]) && !TouchesPolarCap(vertices[i]))
            {
                var relative = Math.Abs(ours - want) / Math.Abs(want);
                Track(worst, "relative to h3-js", relative, what);
                if (!(relative <= AreaRelativeTolerance))
                {
                    mismatches.Add($"{what}: ours {Show.D(ours)}, h3-js {Show.D(want)}, relative error {Show.D(relative)}", group, Severity(relative));
                }

                continue;
            }

            antimeridianCells++;
            var independent = IndependentAreaTurnedHalfway(H3.CellToBoundary(cell)) * unitsPerRads2;
            var fromIndependent = Math.Abs(ours - independent) / independent;
            Track(worst, "across the antimeridian, relative to the independent area", fromIndependent, what);
            if (!(fromIndependent <= AreaRelativeTolerance))
            {
                mismatches.Add($"{what}, across the antimeridian or at a pole: ours {Show.D(ours)}, independent {Show.D(independent)}, relative error {Show.D(fromIndependent)}", group, Severity(fromIndependent));
            }

            var h3JsDifference = Math.Abs(ours - want) / unitsPerRads2;
            var h3JsAllowance = (AreaRelativeTolerance * ours / unitsPerRads2) + AntimeridianH3JsAreaErrorRads2 + PolarAsinAreaAllowanceRads2(vertices[i]);
            Track(worst, "across the antimeridian, h3-js's difference as a share of its allowance", h3JsDifference / h3JsAllowance, what);
            if (!(h3JsDifference <= h3JsAllowance))
            {
                mismatches.Add($"{what}, across the antimeridian or at a pole: ours {Show.D(ours)}, h3-js {Show.D(want)}, {Show.D(h3JsDifference)} sr apart, beyond h3-js's known error {Show.D(h3JsAllowance)} sr", group, Severity(h3JsDifference / h3JsAllowance));
            }
        }

        output.WriteLine($"{index.Length} cell areas in {unit}, {antimeridianCells} across the antimeridian; the worst:");
        foreach (var (kind, (error, where)) in worst)
        {
            output.WriteLine($"  {kind}: {Show.D(error)} ({where})");
        }

        mismatches.AssertNone();
    }

    /// <summary>Whether some vertex of the boundary (lat/lng pairs) lies within 0.5° of a pole.</summary>
    private static bool TouchesPolarCap(ReadOnlySpan<double> flat)
    {
        for (var v = 0; v < flat.Length; v += 2)
        {
            if (Math.Abs(flat[v]) >= 89.5)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether some edge of the boundary (lat/lng pairs) joins longitudes more than 180° apart.</summary>
    private static bool CrossesAntimeridian(ReadOnlySpan<double> flat)
    {
        var count = flat.Length / 2;
        for (var v = 0; v < count; v++)
        {
            if (Math.Abs(flat[(2 * v) + 1] - flat[(2 * ((v + 1) % count)) + 1]) > 180)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The area (sr) of the boundary with every longitude moved by 180°, by <see cref="SphericalGeometry.PolygonAreaRads2"/>.</summary>
    private static double IndependentAreaTurnedHalfway(in CellBoundary boundary)
    {
        var turned = new LatLng[boundary.Count];
        for (var v = 0; v < turned.Length; v++)
        {
            var p = boundary[v];
            turned[v] = new LatLng(p.Lat, p.Lng > 0 ? p.Lng - 180 : p.Lng + 180);
        }

        return SphericalGeometry.PolygonAreaRads2(turned, SphericalGeometry.VertexCentroid(turned));
    }

    /// <summary>
    /// How far (sr) a polygon's area can move when each vertex moves by the asin allowance of
    /// <see cref="ArcTolerance"/> (8ε / cos(lat) radians): the band that displacement sweeps along
    /// the edges. Small beside the other terms except within a few kilometres of a pole.
    /// </summary>
    private static double PolarAsinAreaAllowanceRads2(ReadOnlySpan<double> flat)
    {
        var count = flat.Length / 2;
        var swept = 0.0;
        for (var v = 0; v < count; v++)
        {
            var a = new LatLng(flat[2 * v], flat[(2 * v) + 1]);
            var w = (v + 1) % count;
            var b = new LatLng(flat[2 * w], flat[(2 * w) + 1]);
            var edge = SphericalGeometry.ArcDegrees(a, b) / SphericalGeometry.DegreesPerRadian;
            swept += edge * (PolarAsinError(a.Lat) + PolarAsinError(b.Lat)) / 2;
        }

        return swept;
    }

    /// <summary>The asin conditioning term in radians: 8ε / cos(lat).</summary>
    private static double PolarAsinError(double latDegrees) =>
        PolarAsinErrorEpsilons * MachineEpsilon / Math.Max(SphericalGeometry.CosLatitude(latDegrees), 1e-300);

    private static void Track(SortedDictionary<string, (double Error, string Cell)> worst, string kind, double error, string cell)
    {
        if (!worst.TryGetValue(kind, out var current) || error > current.Error)
        {
            worst[kind] = (error, cell);
        }
    }

    private static double Severity(double error) => double.IsNaN(error) ? double.PositiveInfinity : error;

    /// <summary>
    /// The great-circle distance (degrees) allowed between our position and h3-js's at latitude
    /// <paramref name="latDegrees"/>: 1e-12° plus the asin conditioning term 8ε / cos(lat) radians.
    /// </summary>
    private static double ArcTolerance(double latDegrees) =>
        ArcToleranceDegrees + (PolarAsinError(latDegrees) * SphericalGeometry.DegreesPerRadian);

    /// <summary>The first vertex off by more than its tolerance (or a count mismatch), and the largest ratio of a vertex's error to its tolerance.</summary>
    private static (string? Problem, double Severity) CompareBoundary(H3Index cell, in CellBoundary ours, int expectedCount, ReadOnlySpan<double> expected, WorstArcErrors worst, string group)
    {
        if (ours.Count != expectedCount)
        {
            return ($"{ours.Count} vertices, h3-js {expectedCount}: ours {Describe(ours)}, h3-js {Describe(expected)}", double.PositiveInfinity);
        }

        string? problem = null;
        var worstRatio = 0.0;
        for (var v = 0; v < expectedCount; v++)
        {
            var want = new LatLng(expected[2 * v], expected[(2 * v) + 1]);
            var distance = SphericalGeometry.ArcDegrees(ours[v], want);
            var tolerance = ArcTolerance(want.Lat);
            worst.Record(group, cell, v, distance, tolerance);
            worstRatio = Math.Max(worstRatio, Severity(distance / tolerance));
            if (problem is null && !(distance <= tolerance))
            {
                problem = $"vertex {v} of {expectedCount}: ours {Describe(ours[v])}, h3-js {Describe(want)}, {Show.D(distance)}° of arc apart, allowed {Show.D(tolerance)}°";
            }
        }

        return problem is null
            ? (null, 0)
            : ($"{problem}; the worst vertex is off by {Show.D(worstRatio)} times its tolerance; ours {Describe(ours)}, h3-js {Describe(expected)}", worstRatio);
    }

    /// <summary>Mismatches are tallied by kind of cell and by closeness to a pole.</summary>
    private static string Group(string label, LatLng centre) => Math.Abs(centre.Lat) >= 85 ? $"{label}, |lat| >= 85" : $"{label}, |lat| < 85";

    private static string Describe(LatLng p) => $"({Show.D(p.Lat)}, {Show.D(p.Lng)})";

    private static string Describe(H3Error error, LatLng p) => error == H3Error.Success ? Describe(p) : $"error {error}";

    private static string Describe(in CellBoundary b)
    {
        var parts = new string[b.Count];
        for (var v = 0; v < b.Count; v++)
        {
            parts[v] = Describe(b[v]);
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    private static string Describe(ReadOnlySpan<double> flat)
    {
        var parts = new string[flat.Length / 2];
        for (var v = 0; v < parts.Length; v++)
        {
            parts[v] = Describe(new LatLng(flat[2 * v], flat[(2 * v) + 1]));
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>Per group, the largest distance from h3-js and the largest share of the tolerance used, for the test output.</summary>
    private sealed class WorstArcErrors
    {
        private readonly SortedDictionary<string, (Point Farthest, Point Tightest)> _groups = new(StringComparer.Ordinal);

        /// <summary>Records a distance of the centre (<paramref name="vertex"/> −1) or a vertex of <paramref name="cell"/>.</summary>
        public void Record(string group, H3Index cell, int vertex, double distance, double tolerance)
        {
            if (double.IsNaN(distance))
            {
                return;
            }

            var point = new Point(cell, vertex, distance, distance / tolerance);
            if (!_groups.TryGetValue(group, out var worst))
            {
                _groups[group] = (point, point);
                return;
            }

            if (point.Distance > worst.Farthest.Distance || point.Share > worst.Tightest.Share)
            {
                _groups[group] = (point.Distance > worst.Farthest.Distance ? point : worst.Farthest, point.Share > worst.Tightest.Share ? point : worst.Tightest);
            }
        }

        public void WriteTo(ITestOutputHelper output, string what)
        {
            output.WriteLine($"the worst great-circle distances of {what} from h3-js's, per group:");
            foreach (var (group, (farthest, tightest)) in _groups)
            {
                output.WriteLine($"  {group}: {Show.D(farthest.Distance)}° ({farthest}); largest share of the tolerance {tightest.Share:F3} ({tightest})");
            }
        }

        private readonly record struct Point(H3Index Cell, int Vertex, double Distance, double Share)
        {
            public override string ToString() => Vertex < 0 ? Show.Cell(Cell) : $"{Show.Cell(Cell)} vertex {Vertex}";
        }
    }
}
