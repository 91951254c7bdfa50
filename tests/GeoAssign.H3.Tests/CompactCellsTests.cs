// CompactCells and UncompactCells against h3-js, and the uncompact(compact(x)) == x round trip.
using GeoAssign.H3.Tests.Oracle;

namespace GeoAssign.H3.Tests;

[Collection(H3OracleCollection.Name)]
public sealed class CompactCellsTests(H3Oracle oracle)
{
    [Fact]
    public void CompactCells_equals_h3_js_or_reports_the_same_error()
    {
        var file = oracle.Load("compact");
        var labels = file.Str("label");
        var inputs = file.List<ulong>("input");
        var codes = file.I32("compact.code");
        var compacted = file.List<ulong>("compacted");
        var mismatches = new Mismatches("CompactCells cases", oracle);
        for (var i = 0; i < labels.Length; i++)
        {
            var input = CellSets.ToCells(inputs[i]);
            var what = $"case {i} ({labels[i]}): CompactCells({Show.Cells(inputs[i])})";
            var expectedCode = (H3Error)codes[i];
            mismatches.Compare();
            try
            {
                var ours = CellSets.Sorted(H3.CompactCells(input));
                if (expectedCode != H3Error.Success)
                {
                    mismatches.Add($"{what}: ours returned {Show.Cells(ours)}, h3-js H3Exception({expectedCode})", labels[i]);
                    continue;
                }

                var expected = CellSets.Sorted(compacted[i]);
                if (!ours.AsSpan().SequenceEqual(expected))
                {
                    mismatches.Add($"{what}: {Show.SetDifference(ours, expected)}", labels[i]);
                }
            }
            catch (H3Exception e) when (e.Error == expectedCode)
            {
            }
            catch (Exception e)
            {
                var want = expectedCode == H3Error.Success ? Show.Cells(CellSets.Sorted(compacted[i])) : $"H3Exception({expectedCode})";
                mismatches.Add($"{what}: ours threw {Show.Error(e)}, h3-js {want}", labels[i]);
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void UncompactCells_equals_h3_js_or_reports_the_same_error()
    {
        var file = oracle.Load("compact");
        var labels = file.Str("label");
        var inputs = file.List<ulong>("input");
        var compactCodes = file.I32("compact.code");
        var compacted = file.List<ulong>("compacted");
        var resolutions = file.I32("uncompact.res");
        var codes = file.I32("uncompact.code");
        var uncompacted = file.List<ulong>("uncompacted");
        var mismatches = new Mismatches("UncompactCells cases", oracle);
        for (var i = 0; i < labels.Length; i++)
        {
            // h3-js uncompacted its own compacted set, or the input when compacting failed.
            var source = compactCodes[i] == 0 ? compacted[i] : inputs[i];
            var res = resolutions[i];
            var what = $"case {i} ({labels[i]}): UncompactCells({Show.Cells(source)}, {res})";
            var expectedCode = (H3Error)codes[i];
            mismatches.Compare();
            try
            {
                var ours = CellSets.Sorted(H3.UncompactCells(CellSets.ToCells(source), res));
                if (expectedCode != H3Error.Success)
                {
                    mismatches.Add($"{what}: ours returned {Show.Cells(ours)}, h3-js H3Exception({expectedCode})", labels[i]);
                    continue;
                }

                var expected = CellSets.Sorted(uncompacted[i]);
                if (!ours.AsSpan().SequenceEqual(expected))
                {
                    mismatches.Add($"{what}: {Show.SetDifference(ours, expected)}", labels[i]);
                }
            }
            catch (H3Exception e) when (e.Error == expectedCode)
            {
            }
            catch (Exception e)
            {
                mismatches.Add($"{what}: ours threw {Show.Error(e)}, h3-js {(expectedCode == H3Error.Success ? "succeeded" : $"H3Exception({expectedCode})")}", labels[i]);
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void Uncompacting_what_was_compacted_gives_back_the_input_set()
    {
        var file = oracle.Load("compact");
        var labels = file.Str("label");
        var inputs = file.List<ulong>("input");
        var codes = file.I32("compact.code");
        var mismatches = new Mismatches("compact round trips", oracle);
        for (var i = 0; i < labels.Length; i++)
        {
            if (codes[i] != 0)
            {
                continue;
            }

            var input = CellSets.ToCells(inputs[i]);
            var res = input[0].Resolution;
            var what = $"case {i} ({labels[i]}): UncompactCells(CompactCells({Show.Cells(inputs[i])}), {res})";
            mismatches.Compare();
            try
            {
                var compacted = H3.CompactCells(input);
                var back = CellSets.Sorted(H3.UncompactCells(compacted, res));
                var expected = CellSets.Sorted(inputs[i]);
                if (!back.AsSpan().SequenceEqual(expected))
                {
                    mismatches.Add($"{what}: {Show.SetDifference(back, expected)}", labels[i]);
                }
            }
            catch (Exception e)
            {
                mismatches.Add($"{what}: threw {Show.Error(e)}", labels[i]);
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void Compacting_every_resolution_one_cell_gives_the_resolution_zero_cells()
    {
        var res1 = new List<H3Index>();
        foreach (var cell in H3.GetRes0Cells())
        {
            foreach (var child in H3.CellToChildren(cell, 1))
            {
                res1.Add(child);
            }
        }

        Assert.Equal(842, res1.Count);
        var compacted = CellSets.Sorted(H3.CompactCells(res1.ToArray()));
        Assert.Equal(CellSets.Sorted(H3.GetRes0Cells()), compacted);
    }

    [Fact]
    public void Compacting_nothing_gives_nothing()
    {
        Assert.Empty(H3.CompactCells([]));
        Assert.Empty(H3.UncompactCells([], 5));
    }
}
