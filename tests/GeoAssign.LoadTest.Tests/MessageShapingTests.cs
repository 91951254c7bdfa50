// Messages the scenarios build: echo payloads of a given size, and the border that moves back and forth.
using System.Text.Json;
using GeoAssign.LoadTest.Scenarios;
using GeoAssign.Protos.V1;

namespace GeoAssign.LoadTest.Tests;

public sealed class MessageShapingTests
{
    [Theory]
    [InlineData(18, 21)]
    [InlineData(40, 60)]
    [InlineData(160_012, 62_970)]
    public void Echo_messages_are_as_large_as_the_messages_they_stand_in_for(int requestBytes, int responseBytes)
    {
        var request = EchoSizes.Request(requestBytes, responseBytes);
        var response = new EchoResponse { Payload = Google.Protobuf.ByteString.CopyFrom(new byte[request.ResponseSize]) };

        Assert.InRange(request.CalculateSize(), requestBytes - 1, requestBytes);
        Assert.InRange(response.CalculateSize(), responseBytes - 1, responseBytes);
    }

    [Fact]
    public void A_border_edit_alternates_between_the_shrunk_and_the_original_territory()
    {
        var territory = new Territory
        {
            Id = "t",
            OwnerId = "o",
            GeometryGeojson = """{"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[10,10],[12,10],[12,12],[10,12],[10,10]]]]}""",
        };
        var edit = new BorderEdit(territory);

        var first = edit.Next().Territories.Single();
        var second = edit.Next().Territories.Single();
        var third = edit.Next().Territories.Single();

        Assert.Equal(territory.GeometryGeojson, second.GeometryGeojson);
        Assert.Equal(first.GeometryGeojson, third.GeometryGeojson);
        Assert.Equal("t", first.Id);
        using var shrunk = JsonDocument.Parse(first.GeometryGeojson);
        Assert.Equal("MultiPolygon", shrunk.RootElement.GetProperty("type").GetString());
        // The average of the ten positions (closing ones included) is (5.8, 5.8): each moves 1 % of the way towards it.
        var corner = shrunk.RootElement.GetProperty("coordinates")[0][0][0];
        Assert.Equal(0.058, corner[0].GetDouble(), 12);
        Assert.Equal(0.058, corner[1].GetDouble(), 12);
        var far = shrunk.RootElement.GetProperty("coordinates")[1][0][2];
        Assert.Equal(11.938, far[0].GetDouble(), 12);
    }
}
