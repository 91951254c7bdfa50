// GridDisk (k = 1..3, as sets) and AreNeighborCells against h3-js, around pentagons and face edges too.
using GeoAssign.H3.Tests.Oracle;

namespace GeoAssign.H3.Tests;

[Collection(H3OracleCollection.Name)]
public sealed class GridDiskTests(H3Oracle oracle)
{
    [Fact]
    public void Golden_disks_cover_ten_thousand_origins_with_pentagons_and_face_edges()
    {
        var file = oracle.Load("grid_disk");
        var origin = file.U64("origin");
        var labels = file.Str("label");
        var k = file.U8("k");
        var origins = origin.Distinct().Count();
        Assert.True(origins >= 10_000, $"only {origins} origins");
        Assert.Equal(192, labels.Zip(k).Count(x => x.First == "pentagon" && x.Second == 1));
        Assert.True(labels.Count(l => l == "faceEdge") >= 3 * 1000, "too few face-edge origins");
        Assert.True(labels.Count(l => l == "pentagonNeighbour") >= 3 * 800, "too few pentagon neighbours");
        Assert.Equal(new[] { 1, 2, 3 }, k.Distinct().Order().Select(x => (int)x));
    }

    [Fact]
    public void GridDisk_equals_h3_js_as_a_set()
    {
        var file = oracle.Load("grid_disk");
        var origin = file.U64("origin");
        var labels = file.Str("label");
        var k = file.U8("k");
        var disks = file.List<ulong>("disk");
        var mismatches = new Mismatches("grid disks", oracle);
        var buffer = new H3Index[H3.MaxGridDiskSize(3)];
        for (var i = 0; i < origin.Length; i++)
        {
            var cell = new H3Index(origin[i]);
            var expected = CellSets.Sorted(disks[i]);
            var what = $"GridDisk({Show.Cell(cell)}, {k[i]}) ({labels[i]}, res {cell.Resolution})";
            mismatches.Compare();
            try
            {
                var ours = CellSets.Sorted(H3.GridDisk(cell, k[i]));
                if (!ours.AsSpan().SequenceEqual(expected))
                {
                    mismatches.Add($"{what}: {Show.SetDifference(ours, expected)}{(CellSets.HasDuplicates(ours) ? " (ours has duplicates)" : "")}", labels[i]);
                    continue;
                }

                var written = H3.GridDisk(cell, k[i], buffer.AsSpan(0, H3.MaxGridDiskSize(k[i])));
                var fromSpan = CellSets.Sorted(buffer.AsSpan(0, written));
                if (!fromSpan.AsSpan().SequenceEqual(expected))
                {
                    mismatches.Add($"{what}, span overload: {Show.SetDifference(fromSpan, expected)}", labels[i]);
                }
            }
            catch (Exception e)
            {
                mismatches.Add($"{what}: threw {Show.Error(e)}, h3-js {Show.Cells(expected)}", labels[i]);
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void GridDisk_of_radius_zero_is_the_origin()
    {
        var file = oracle.Load("grid_disk");
        foreach (var value in file.U64("origin").Distinct().Take(2000))
        {
            var cell = new H3Index(value);
            Assert.Equal(new[] { cell }, H3.GridDisk(cell, 0));
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 7)]
    [InlineData(2, 19)]
    [InlineData(3, 37)]
    [InlineData(10, 331)]
    [InlineData(100, 30301)]
    public void MaxGridDiskSize_is_the_hexagonal_number(int k, int size)
    {
        Assert.Equal(size, H3.MaxGridDiskSize(k));
    }

    [Fact]
    public void AreNeighborCells_agrees_with_h3_js()
    {
        var file = oracle.Load("grid_disk");
        var a = file.U64("neighbors.a");
        var b = file.U64("neighbors.b");
        var result = file.U8("neighbors.result");
        var code = file.I32("neighbors.code");
        Assert.Contains((byte)1, result);
        Assert.Contains(code, c => c != 0);
        var mismatches = new Mismatches("AreNeighborCells pairs", oracle);
        for (var i = 0; i < a.Length; i++)
        {
            var x = new H3Index(a[i]);
            var y = new H3Index(b[i]);
            var what = $"AreNeighborCells({Show.Cell(x)}, {Show.Cell(y)})";
            var expected = code[i] == 0 ? (result[i] == 1).ToString() : $"H3Exception({(H3Error)code[i]})";
            string ours;
            try
            {
                ours = H3.AreNeighborCells(x, y).ToString();
            }
            catch (H3Exception e)
            {
                ours = $"H3Exception({e.Error})";
            }
            catch (Exception e)
            {
                ours = Show.Error(e);
            }

            mismatches.Check(ours == expected, () => $"{what}: ours {ours}, h3-js {expected}", code[i] == 0 ? "valid pairs" : "errors");
        }

        mismatches.AssertNone();
    }
}
