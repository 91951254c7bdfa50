// IsValidCell against h3-js isValidCell on 64-bit garbage and on valid cells with one thing broken.
using GeoAssign.H3.Tests.Oracle;

namespace GeoAssign.H3.Tests;

/// <summary>The kinds of golden.mjs's validity file (its KIND table).</summary>
public enum ValidityInput
{
    RandomBits = 0,
    RandomCellShaped = 1,
    ValidCell = 2,
    Digit7InsideRes = 3,
    UnusedDigitNot7 = 4,
    PentagonDeletedSubsequence = 5,
    WrongMode = 6,
    ReservedBitSet = 7,
    ModeDependentBitsSet = 8,
    BaseCellOutOfRange = 9,
    ResolutionChanged = 10,
    SingleBitFlip = 11,
    DigitChanged = 12,
}

[Collection(H3OracleCollection.Name)]
public sealed class IsValidCellTests(H3Oracle oracle)
{
    [Fact]
    public void IsValidCell_agrees_with_h3_js()
    {
        var file = oracle.Load("validity");
        var values = file.U64("value");
        var kinds = file.U8("kind");
        var valid = file.U8("isValid");
        foreach (var kind in Enum.GetValues<ValidityInput>())
        {
            Assert.Contains((byte)kind, kinds);
        }

        // Both answers must occur often, or the comparison proves little.
        Assert.True(valid.Count(v => v == 1) > 10_000 && valid.Count(v => v == 0) > 10_000, "the validity inputs are too one-sided");
        var mismatches = new Mismatches("64-bit values", oracle);
        for (var i = 0; i < values.Length; i++)
        {
            var cell = new H3Index(values[i]);
            var expected = valid[i] == 1;
            var ours = H3.IsValidCell(cell);
            mismatches.Check(
                ours == expected,
                () => $"{Show.Cell(values[i])} ({(ValidityInput)kinds[i]}, bits {Convert.ToString((long)values[i], 2).PadLeft(64, '0')}): ours {ours}, h3-js {expected}",
                ((ValidityInput)kinds[i]).ToString());
        }

        mismatches.AssertNone();
    }

    [Fact]
    public void Null_is_not_a_valid_cell()
    {
        Assert.Equal(0UL, H3Index.Null.Value);
        Assert.Equal(default(H3Index), H3Index.Null);
        Assert.False(H3.IsValidCell(H3Index.Null));
    }
}
