// Attributes that cannot be kept exactly as given are refused with INVALID_ARGUMENT naming the territory and the attribute.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Server.Tests;

public sealed class AttributeChecksTests(EmptyServer fixture) : IClassFixture<EmptyServer>
{
    private async Task<RpcException> RejectedAsync(Struct attributes)
    {
        var client = fixture.Server.Territories;
        var before = (await client.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories =
            {
                Shapes.Territory("fine", Shapes.Square(0, 0, 1)),
                Shapes.Territory("odd", Shapes.Square(2, 0, 1), attributes: attributes),
            },
        }));
        Assert.Contains("territories[1] (id \"odd\")", error.Status.Detail);
        Assert.Equal(before, (await client.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
        return error;
    }

    [Fact]
    public async Task An_empty_attribute_name_is_refused()
    {
        var error = await RejectedAsync(new Struct { Fields = { [""] = Value.ForNumber(1) } });
        Assert.Contains("an attribute has an empty name", error.Status.Detail);
    }

    [Fact]
    public async Task An_empty_name_inside_an_attribute_is_refused()
    {
        var error = await RejectedAsync(new Struct { Fields = { ["region"] = Value.ForStruct(new Struct { Fields = { [""] = Value.ForBool(true) } }) } });
        Assert.Contains("attributes[\"region\"] holds an empty name", error.Status.Detail);
    }

    [Fact]
    public async Task A_value_without_a_kind_is_refused()
    {
        var error = await RejectedAsync(new Struct { Fields = { ["region"] = Value.ForStruct(new Struct { Fields = { ["code"] = new Value() } }) } });
        Assert.Contains("attributes[\"region\"][\"code\"]", error.Status.Detail);
        Assert.Contains("no kind", error.Status.Detail);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public async Task A_number_JSON_cannot_hold_is_refused_not_rewritten(double number, string text)
    {
        var error = await RejectedAsync(new Struct { Fields = { ["quota"] = Value.ForList(Value.ForNumber(1), Value.ForNumber(number)) } });
        Assert.Contains("attributes[\"quota\"][1]", error.Status.Detail);
        Assert.Contains(text, error.Status.Detail);
    }

    [Fact]
    public async Task Nesting_past_the_attribute_depth_is_refused()
    {
        var value = Value.ForNumber(1);
        for (var i = 0; i < 40; i++)
        {
            value = Value.ForList(value);
        }

        var error = await RejectedAsync(new Struct { Fields = { ["deep"] = value } });
        Assert.Contains("attributes[\"deep\"]", error.Status.Detail);
        Assert.Contains("32", error.Status.Detail);
    }

    [Fact]
    public async Task Attributes_at_the_depth_limit_come_back_exactly_as_given()
    {
        var value = Value.ForString("bottom");
        for (var i = 0; i < 32; i++)
        {
            value = i % 2 == 0 ? Value.ForList(value) : Value.ForStruct(new Struct { Fields = { ["k"] = value } });
        }

        var attributes = new Struct
        {
            Fields =
            {
                ["deep"] = value,
                ["text"] = Value.ForString("Zürich \"centre\" \U0001F600"),
                ["big"] = Value.ForNumber(1.7976931348623157e308),
                ["tiny"] = Value.ForNumber(-5e-324),
                ["null"] = Value.ForNull(),
            },
        };
        var client = fixture.Server.Territories;
        var edit = await client.UpsertTerritoriesAsync(new UpsertTerritoriesRequest { Territories = { Shapes.Territory("kept", Shapes.Square(4, 0, 1), attributes: attributes) } });

        var read = await client.GetTerritoryAsync(new GetTerritoryRequest { Id = "kept", MinVersion = edit.MapVersion });

        Assert.Equal(attributes, read.Territory.Attributes);
    }
}
