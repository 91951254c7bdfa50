// What a coverage check of the live map or a plan found, per layer.
namespace GeoAssign.Client;

/// <summary>What a coverage check of the live map or a plan found, per layer. Immutable.</summary>
/// <param name="Version">The version of the map checked (the live map's or the plan's).</param>
/// <param name="Layers">One entry per layer checked.</param>
/// <param name="AreaMethod">How the areas are computed, and their error bound.</param>
public sealed record CoverageReport(ulong Version, IReadOnlyList<LayerCoverage> Layers, string AreaMethod)
{
    /// <summary>True when every layer checked is clean.</summary>
    public bool IsClean => Layers.All(layer => layer.IsClean);
}
