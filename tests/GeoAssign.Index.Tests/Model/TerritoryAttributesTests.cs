using System.Text.Json;
using GeoAssign.Index.Model;
using Xunit;

namespace GeoAssign.Index.Tests.Model;

public sealed class TerritoryAttributesTests
{
    [Fact]
    public void Parsed_attributes_keep_their_order_and_exact_json_text()
    {
        var attributes = TerritoryAttributes.Parse("""{"z":1.50,"a":12345678901234567890,"n":null,"o":{"k":[1,"2",true]}}""");

        Assert.Equal(["z", "a", "n", "o"], attributes.Keys);
        Assert.Equal("1.50", attributes["z"].GetRawText());
        Assert.Equal("12345678901234567890", attributes["a"].GetRawText());
        Assert.Equal(JsonValueKind.Null, attributes["n"].ValueKind);
        Assert.Equal("""{"z":1.50,"a":12345678901234567890,"n":null,"o":{"k":[1,"2",true]}}""", attributes.ToJson());
    }

    [Fact]
    public void Created_attributes_outlive_the_document_their_values_came_from()
    {
        TerritoryAttributes attributes;
        using (var document = JsonDocument.Parse("""{"region":"west"}"""))
        {
            attributes = TerritoryAttributes.Create([new("region", document.RootElement.GetProperty("region"))]);
        }

        Assert.Equal("west", attributes["region"].GetString());
    }

    [Fact]
    public void A_name_given_twice_is_refused()
    {
        using var document = JsonDocument.Parse("1");
        var value = document.RootElement;

        Assert.Throws<ArgumentException>(() => TerritoryAttributes.Create([new("a", value), new("a", value)]));
    }

    [Fact]
    public void Equality_is_json_equality_and_ignores_key_order()
    {
        Assert.Equal(TerritoryAttributes.Parse("""{"a":1,"b":[1,2]}"""), TerritoryAttributes.Parse("""{"b":[1,2],"a":1}"""));
        Assert.NotEqual(TerritoryAttributes.Parse("""{"a":1}"""), TerritoryAttributes.Parse("""{"a":"1"}"""));
        Assert.NotEqual(TerritoryAttributes.Parse("""{"a":[1,2]}"""), TerritoryAttributes.Parse("""{"a":[2,1]}"""));
        Assert.NotEqual(TerritoryAttributes.Parse("""{"a":1}"""), TerritoryAttributes.Parse("""{"a":1,"b":1}"""));
    }

    [Fact]
    public void Lookups_are_ordinal()
    {
        var attributes = TerritoryAttributes.Parse("""{"Region":"west"}""");

        Assert.True(attributes.ContainsKey("Region"));
        Assert.False(attributes.ContainsKey("region"));
        Assert.False(attributes.TryGetValue("region", out _));
        Assert.Throws<KeyNotFoundException>(() => attributes["region"]);
    }

    [Fact]
    public void Empty_attributes_create_and_parse_to_the_shared_empty_instance()
    {
        Assert.Same(TerritoryAttributes.Empty, TerritoryAttributes.Create([]));
        Assert.Same(TerritoryAttributes.Empty, TerritoryAttributes.Parse("{}"));
        Assert.Throws<ArgumentException>(() => TerritoryAttributes.Parse("[1]"));
    }
}
