using GeoAssign.Index.Model;
using Xunit;

namespace GeoAssign.Index.Tests.Model;

public sealed class MapChangeTests
{
    [Fact]
    public void A_change_keeps_its_own_copy_of_the_lists_it_was_given()
    {
        var upserts = new List<Territory> { Shapes.Square("a", 0, 0) };
        var deletes = new List<string> { "b" };

        var change = new MapChange(7, upserts, deletes);
        upserts.Clear();
        deletes.Add("c");

        Assert.Equal(7, change.Version);
        Assert.Single(change.Upserts);
        Assert.Equal(["b"], change.Deletes);
        Assert.False(change.IsEmpty);
        Assert.True(new MapChange(8, [], []).IsEmpty);
    }
}
