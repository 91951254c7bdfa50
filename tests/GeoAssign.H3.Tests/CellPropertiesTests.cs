// Resolution, base cell, digits, pentagon and class flags, text form, res-0 cells and pentagons against h3-js.
using System.Globalization;
using GeoAssign.H3.Tests.Oracle;

namespace GeoAssign.H3.Tests;

[Collection(H3OracleCollection.Name)]
public sealed class CellPropertiesTests(H3Oracle oracle)
{
    [Fact]
    public void Resolution_base_cell_and_pentagon_flag_equal_h3_js()
    {
        var file = oracle.Load("cells");
        var cells = file.U64("cell");
        var res = file.U8("res");
        var baseCell = file.U8("baseCell");
        var pentagon = file.U8("isPentagon");
        var classIII = file.U8("isResClassIII");
        var mismatches = new Mismatches("cells' properties", oracle);
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var c = Show.Cell(cell);
            mismatches.Check(H3.IsValidCell(cell), () => $"IsValidCell({c}) is false for a cell h3-js made", "IsValidCell");
            mismatches.Check(H3.GetResolution(cell) == res[i], () => $"GetResolution({c}) = {H3.GetResolution(cell)}, h3-js {res[i]}", "GetResolution");
            mismatches.Check(cell.Resolution == res[i], () => $"{c}.Resolution = {cell.Resolution}, h3-js {res[i]}", "Resolution");
            mismatches.Check(H3.GetBaseCellNumber(cell) == baseCell[i], () => $"GetBaseCellNumber({c}) = {H3.GetBaseCellNumber(cell)}, h3-js {baseCell[i]}", "GetBaseCellNumber");
            mismatches.Check(cell.BaseCell == baseCell[i], () => $"{c}.BaseCell = {cell.BaseCell}, h3-js {baseCell[i]}", "BaseCell");
            mismatches.Check(H3.IsPentagon(cell) == (pentagon[i] == 1), () => $"IsPentagon({c}) = {H3.IsPentagon(cell)}, h3-js {pentagon[i] == 1}", "IsPentagon");
            mismatches.Check(H3.IsResClassIII(res[i]) == (classIII[i] == 1), () => $"IsResClassIII({res[i]}) = {H3.IsResClassIII(res[i])}, h3-js {classIII[i] == 1}", "IsResClassIII");
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void Digits_equal_h3_js_getIndexDigit()
    {
        var file = oracle.Load("cells");
        var cells = file.U64("cell");
        var index = file.I32("digits.index");
        var digits = file.List<byte>("digits");
        Assert.True(index.Length >= 1000, $"only {index.Length} cells with digits");
        var mismatches = new Mismatches("(cell, digit) pairs", oracle);
        for (var j = 0; j < index.Length; j++)
        {
            var cell = new H3Index(cells[index[j]]);
            var expected = digits.ToArray(j);
            for (var r = 1; r <= H3.MaxResolution; r++)
            {
                var ours = cell.GetDigit(r);
                var want = expected[r - 1];
                mismatches.Check(ours == want, () => $"{Show.Cell(cell)}.GetDigit({r}) = {ours}, h3-js {want}");
            }
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void The_text_form_equals_h3_js_and_parses_back()
    {
        var file = oracle.Load("cells");
        var cells = file.U64("cell");
        var texts = file.Str("text");
        var mismatches = new Mismatches("cell texts", oracle);
        Span<char> buffer = stackalloc char[32];
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = new H3Index(cells[i]);
            var text = texts[i];
            var ours = cell.ToString();
            mismatches.Check(ours == text, () => $"ToString of {text}: ours '{ours}'", "ToString");
            var formatted = cell.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture)
                && buffer[..written].SequenceEqual(text);
            mismatches.Check(formatted, () => $"TryFormat of {text} does not write '{text}'", "TryFormat");
            mismatches.Check(H3Index.Parse(text) == cell, () => $"Parse('{text}') = {H3Index.Parse(text)}", "Parse");
            mismatches.Check(H3Index.TryParse(text.ToUpperInvariant(), out var upper) && upper == cell, () => $"TryParse('{text.ToUpperInvariant()}') failed or gave another cell", "TryParse upper case");
        }

        mismatches.AssertNone();
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyz")]
    [InlineData("8928308280fffffg")]
    [InlineData("8928308280f ffff")]
    [InlineData("18928308280fffff0")]
    public void TryParse_rejects_text_that_is_not_a_64_bit_hex_number(string text)
    {
        Assert.False(H3Index.TryParse(text, out var cell));
        Assert.Equal(H3Index.Null, cell);
    }

    [Fact]
    public void GetRes0Cells_equals_h3_js()
    {
        var expected = oracle.Load("misc").U64("res0Cells");
        var ours = H3.GetRes0Cells().ToArray().Select(c => c.Value);
        Assert.Equal(expected.Select(Show.Cell), ours.Select(Show.Cell));
    }

    [Fact]
    public void GetPentagons_equals_h3_js_at_every_resolution()
    {
        var pentagons = oracle.Load("misc").List<ulong>("pentagons");
        Assert.Equal(16, pentagons.Count);
        for (var res = 0; res <= H3.MaxResolution; res++)
        {
            var expected = pentagons.ToArray(res).Select(Show.Cell);
            var ours = H3.GetPentagons(res).Select(Show.Cell);
            Assert.Equal(expected, ours);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(16)]
    public void GetPentagons_rejects_resolutions_outside_zero_to_fifteen(int res)
    {
        var e = Assert.Throws<H3Exception>(() => H3.GetPentagons(res));
        Assert.Equal(H3Error.ResDomain, e.Error);
    }

    [Fact]
    public void IsResClassIII_equals_h3_js_at_every_resolution()
    {
        var expected = oracle.Load("misc").U8("isResClassIII");
        for (var res = 0; res <= H3.MaxResolution; res++)
        {
            Assert.Equal(expected[res] == 1, H3.IsResClassIII(res));
        }
    }
}
