// The automatic finest resolution of a layer, from the sizes of its territories.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Cells;

/// <summary>
/// Chooses a layer's finest H3 resolution R from its territories: the coarsest resolution whose
/// average hexagon edge is at most 1/<see cref="CellsAcrossMedianTerritory"/> of the median territory's
/// size (the square root of its area). Finer cells make boundary cells — the only ones that need an
/// exact geometry test — a smaller share of the area, at the cost of memory that grows with the total
/// border length divided by the edge length.
/// </summary>
public static class ResolutionPolicy
{
    /// <summary>
    /// Cells across the median territory: 50 keeps boundary cells to a few percent of the area for
    /// county-sized territories (resolution 8 for US counties, 6 for US states) while the index stays small.
    /// </summary>
    public const double CellsAcrossMedianTerritory = 50;

    /// <summary>Coarsest automatic resolution.</summary>
    public const int MinResolution = 3;

    /// <summary>Finest automatic resolution.</summary>
    public const int MaxResolution = 10;

    // Average hexagon edge length in km at resolutions 0..15 (H3 resolution table).
    private static ReadOnlySpan<double> AverageEdgeKm =>
    [
        1281.256011, 483.0568391, 182.5129565, 68.97922179, 26.07175968, 9.854090990, 3.724532667, 1.406475763,
        0.531414010, 0.200786148, 0.075863783, 0.028663897, 0.010830188, 0.004092010, 0.001546100, 0.000584169,
    ];

    /// <summary>The automatic resolution for these territories.</summary>
    public static int Choose(IReadOnlyList<Territory> territories)
    {
        var sizes = new double[territories.Count];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = SizeKm(territories[i]);
        return Choose(sizes);
    }

    /// <summary>
    /// The automatic resolution for territories of these sizes (<see cref="SizeKm"/>). A pure function of
    /// the layer's territories, so every replica and every replay picks the same one.
    /// </summary>
    public static int Choose(Span<double> sizesKm)
    {
        if (sizesKm.Length == 0) return 7;
        sizesKm.Sort();
        double median = sizesKm[sizesKm.Length / 2];
        double target = median / CellsAcrossMedianTerritory;
        for (int res = MinResolution; res <= MaxResolution; res++)
        {
            if (AverageEdgeKm[res] <= target) return res;
        }
        return MaxResolution;
    }

    /// <summary>A territory's size in km: the square root of its approximate area.</summary>
    public static double SizeKm(Territory t) => Math.Sqrt(AreaKm2(t));

    /// <summary>Approximate area in km² (planar degrees scaled at the envelope's middle latitude).</summary>
    private static double AreaKm2(Territory t)
    {
        var envelope = t.Geometry.EnvelopeInternal;
        double lat = (envelope.MinY + envelope.MaxY) / 2;
        const double KmPerDegree = 111.32;
        return Math.Abs(t.Geometry.Area) * KmPerDegree * KmPerDegree * Math.Cos(lat * Math.PI / 180);
    }
}
