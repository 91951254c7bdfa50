// CellToParent, CellToCenterChild, CellToChildren and CellToChildrenSize against h3-js.
using GeoAssign.H3.Tests.Oracle;

namespace GeoAssign.H3.Tests;

[Collection(H3OracleCollection.Name)]
public sealed class HierarchyTests(H3Oracle oracle)
{
    [Fact]
    public void CellToParent_equals_h3_js_at_every_coarser_resolution()
    {
        var file = oracle.Load("hierarchy");
        var cells = file.U64("cell");
        var parents = file.List<ulong>("parents");
        var mismatches = new Mismatches("(cell, parent resolution) pairs", oracle);
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var expected = parents[i];
            for (var p = 0; p < expected.Length; p++)
            {
                var want = expected[p];
                var error = H3.TryCellToParent(cell, p, out var ours);
                if (!mismatches.Check(error == H3Error.Success && ours.Value == want, () => $"TryCellToParent({Show.Cell(cell)}, {p}): ours {(error == H3Error.Success ? Show.Cell(ours) : error.ToString())}, h3-js {Show.Cell(want)}", Label(cell)))
                {
                    continue;
                }

                try
                {
                    var thrown = H3.CellToParent(cell, p);
                    mismatches.Also(thrown.Value == want, () => $"CellToParent({Show.Cell(cell)}, {p}): ours {Show.Cell(thrown)}, h3-js {Show.Cell(want)}", Label(cell));
                }
                catch (Exception e)
                {
                    mismatches.Also(false, () => $"CellToParent({Show.Cell(cell)}, {p}): threw {Show.Error(e)}, h3-js {Show.Cell(want)}", Label(cell));
                }
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void CellToCenterChild_and_CellToChildrenSize_equal_h3_js_at_every_finer_resolution()
    {
        var file = oracle.Load("hierarchy");
        var cells = file.U64("cell");
        var centers = file.List<ulong>("centerChildren");
        var sizes = file.List<ulong>("childrenSizes");
        var mismatches = new Mismatches("(cell, child resolution) pairs", oracle);
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var res = cell.Resolution;
            var expectedCenters = centers.ToArray(i);
            var expectedSizes = sizes.ToArray(i);
            for (var q = res; q <= H3.MaxResolution; q++)
            {
                var center = expectedCenters[q - res];
                var size = (long)expectedSizes[q - res];
                try
                {
                    var ours = H3.CellToCenterChild(cell, q);
                    mismatches.Check(ours.Value == center, () => $"CellToCenterChild({Show.Cell(cell)}, {q}): ours {Show.Cell(ours)}, h3-js {Show.Cell(center)}", Label(cell));
                    var oursSize = H3.CellToChildrenSize(cell, q);
                    mismatches.Check(oursSize == size, () => $"CellToChildrenSize({Show.Cell(cell)}, {q}): ours {oursSize}, h3-js {size}", Label(cell));
                }
                catch (Exception e)
                {
                    mismatches.Check(false, () => $"({Show.Cell(cell)}, {q}): threw {Show.Error(e)}", Label(cell));
                }
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void CellToChildren_equals_h3_js_as_a_set_and_counts_CellToChildrenSize()
    {
        var file = oracle.Load("hierarchy");
        var cells = file.U64("children.cell");
        var res = file.U8("children.res");
        var children = file.List<ulong>("children");
        var mismatches = new Mismatches("(cell, child resolution) children sets", oracle);
        var ours = new List<ulong>(400);
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var q = res[i];
            var expected = CellSets.Sorted(children[i]);
            var what = $"CellToChildren({Show.Cell(cell)}, {q})";
            mismatches.Compare();
            try
            {
                ours.Clear();
                foreach (var child in H3.CellToChildren(cell, q))
                {
                    ours.Add(child.Value);
                }

                var sorted = CellSets.Sorted(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ours));
                if (!sorted.AsSpan().SequenceEqual(expected))
                {
                    mismatches.Add($"{what}: {Show.SetDifference(sorted, expected)}{(CellSets.HasDuplicates(sorted) ? " (ours has duplicates)" : "")}", Label(cell));
                }
                else if (H3.CellToChildrenSize(cell, q) != ours.Count)
                {
                    mismatches.Add($"{what}: enumerated {ours.Count} children but CellToChildrenSize says {H3.CellToChildrenSize(cell, q)}", Label(cell));
                }
            }
            catch (Exception e)
            {
                mismatches.Add($"{what}: threw {Show.Error(e)}", Label(cell));
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void Children_and_center_child_round_trip_to_their_parent()
    {
        var file = oracle.Load("hierarchy");
        var cells = file.U64("children.cell");
        var res = file.U8("children.res");
        var mismatches = new Mismatches("(child, parent) round trips", oracle);
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var q = res[i];
            try
            {
                foreach (var child in H3.CellToChildren(cell, q))
                {
                    var parent = H3.CellToParent(child, cell.Resolution);
                    mismatches.Check(parent == cell, () => $"CellToParent({Show.Cell(child)}, {cell.Resolution}) = {Show.Cell(parent)}, but it is a child of {Show.Cell(cell)}");
                }

                var center = H3.CellToCenterChild(cell, q);
                mismatches.Check(H3.CellToParent(center, cell.Resolution) == cell, () => $"the center child {Show.Cell(center)} of {Show.Cell(cell)} has another parent");
            }
            catch (Exception e)
            {
                mismatches.Check(false, () => $"({Show.Cell(cell)}, {q}): threw {Show.Error(e)}");
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void Invalid_resolutions_report_the_error_h3_js_reports()
    {
        var file = oracle.Load("hierarchy");
        var cells = file.U64("error.cell");
        var ops = file.U8("error.op");
        var res = file.I32("error.res");
        var codes = file.I32("error.code");
        Assert.NotEmpty(cells);
        var mismatches = new Mismatches("invalid hierarchy calls", oracle);
        string[] names = ["CellToParent", "CellToCenterChild", "CellToChildrenSize"];
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var q = res[i];
            var op = ops[i];
            var expected = (H3Error)codes[i];
            var what = $"{names[op]}({Show.Cell(cell)}, {q})";
            if (op == 0)
            {
                var error = H3.TryCellToParent(cell, q, out var parent);
                mismatches.Check(error == expected, () => $"Try{what}: ours {error}, h3-js {expected}");
                mismatches.Check(parent == H3Index.Null, () => $"Try{what}: returned {Show.Cell(parent)} with error {error}");
            }

            string ours;
            try
            {
                var value = op switch
                {
                    0 => H3.CellToParent(cell, q).ToString(),
                    1 => H3.CellToCenterChild(cell, q).ToString(),
                    _ => H3.CellToChildrenSize(cell, q).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                ours = $"returned {value}";
            }
            catch (H3Exception e)
            {
                ours = $"H3Exception({e.Error})";
            }
            catch (Exception e)
            {
                ours = Show.Error(e);
            }

            mismatches.Check(ours == $"H3Exception({expected})", () => $"{what}: ours {ours}, h3-js H3Exception({expected})", names[op]);
        }

        mismatches.AssertNone();
    }

    private static string Label(H3Index cell) => H3.IsPentagon(cell) ? "pentagons" : "hexagons";
}
