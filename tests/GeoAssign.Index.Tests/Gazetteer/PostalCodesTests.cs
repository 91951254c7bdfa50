// Postal codes: the normal form per country, and the gazetteer through merges and per-country replaces.
using GeoAssign.Index.Gazetteer;
using GeoAssign.Index.Model;
using GeoAssign.Testing;
using Xunit;

namespace GeoAssign.Index.Tests.Gazetteer;

public sealed class PostalCodesTests
{
    private static PostalCodeEntry Code(string country, string code, double lat = 1, double lng = 2) =>
        new() { Country = country, Code = code, Lat = lat, Lng = lng };

    [Theory]
    [InlineData("GB", "sw1a 1aa", "SW1A 1AA")]
    [InlineData("GB", "  SW1A1AA ", "SW1A 1AA")]
    [InlineData("GB", "m1 1ae", "M1 1AE")]
    [InlineData("GB", "ec1a\t 1bb", "EC1A 1BB")]
    [InlineData("NL", "1012 ab", "1012 AB")]
    [InlineData("NL", "1012ab", "1012 AB")]
    [InlineData("CA", "k1a0b1", "K1A 0B1")]
    [InlineData("US", "02139-4307", "02139")]
    [InlineData("US", " 02139 ", "02139")]
    [InlineData("US", "00501", "00501")]
    [InlineData("DE", "01067", "01067")]
    [InlineData("FR", "75 008", "75008")]
    [InlineData("JP", "100-0001", "100-0001")]
    [InlineData("PL", " 00-950 ", "00-950")]
    [InlineData("SE", "114  55", "114 55")]
    public void A_code_takes_its_countrys_normal_form_and_keeps_leading_zeros(string country, string code, string expected) =>
        Assert.Equal(expected, PostalCodes.Normalize(country, code));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("123456789012345678901")]
    [InlineData("12\u000134")]
    public void An_empty_overlong_or_control_character_code_has_no_normal_form(string code) =>
        Assert.Null(PostalCodes.Normalize("US", code));

    [Theory]
    [InlineData(" us ", "US")]
    [InlineData("gb", "GB")]
    [InlineData("USA", null)]
    [InlineData("1A", null)]
    [InlineData("", null)]
    public void A_country_is_two_ascii_letters_in_upper_case(string country, string? expected) =>
        Assert.Equal(expected, PostalCodes.NormalizeCountry(country));

    [Fact]
    public void Replacing_a_country_leaves_the_others_and_a_merge_replaces_only_its_keys()
    {
        var gazetteer = PostalGazetteer.Empty.With([Code("US", "02139"), Code("US", "10001"), Code("GB", "SW1A 1AA")], [], []);
        Assert.Equal(3, gazetteer.Count);
        var merged = gazetteer.With([Code("US", "02139", lat: 9)], [], []);
        Assert.True(merged.TryGet("US", "02139", out var moved));
        Assert.Equal(9, moved.Lat);
        Assert.True(gazetteer.TryGet("US", "02139", out var before));
        Assert.Equal(1, before.Lat);
        Assert.Equal(3, merged.Count);

        var replaced = merged.With([Code("US", "94105")], [], ["US"]);
        Assert.Equal(["GB", "US"], replaced.Countries);
        Assert.Equal(["94105"], replaced.AllOf("US").Select(e => e.Code));
        Assert.True(replaced.TryGet("GB", "SW1A 1AA", out _));
        Assert.False(replaced.TryGet("US", "10001", out _));

        var gone = replaced.With([], [new PostalKey("GB", "SW1A 1AA")], ["US"]);
        Assert.Equal(0, gone.Count);
        Assert.Empty(gone.Countries);
    }

    [Fact]
    public void Postal_codes_travel_with_the_live_map_and_a_change_records_what_it_replaced()
    {
        var writer = new TerritoryMapWriter();
        writer.Apply(new MapChange(1, [ChangeHistories.Square("t", 0, 0, 1)], []) { GazetteerUpserts = [Code("US", "02139"), Code("US", "10001"), Code("NL", "1012 AB")] });
        var change = new MapChange(2, [], []) { GazetteerClearCountries = ["US"], GazetteerUpserts = [Code("US", "94105"), Code("NL", "1012 AB", lat: 5)] }
            .WithReplacedFrom(writer.Current);
        Assert.Equal(["02139", "10001", "1012 AB"], change.ReplacedGazetteer!.Select(e => e.Code).Order(StringComparer.Ordinal));
        var map = writer.Apply(change);
        Assert.Equal(2, map.Gazetteer.Count);
        Assert.Equal(1, map.Count);
        Assert.False(writer.Validate(new MapChange(3, [], []) { Plan = "p", GazetteerUpserts = [Code("US", "1")] }).IsValid);
    }
}
