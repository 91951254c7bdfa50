// One thing wrong with an input, naming the feature and saying how to fix it.
using System.Text;
using GeoAssign.Index.Geometry;

namespace GeoAssign.Index.Validation;

/// <summary>
/// One problem found in a territory, map or change: which feature (id, or index in the
/// FeatureCollection when it has no id), what is wrong, where, and how to fix it where that helps.
/// Immutable and thread-safe.
/// </summary>
/// <param name="Kind">What kind of problem it is.</param>
/// <param name="TerritoryId">The territory's id; null when it has none (or the problem is about the whole input).</param>
/// <param name="FeatureIndex">The zero-based index of the feature in the FeatureCollection or of the territory in the list validated; null when unknown.</param>
/// <param name="Detail">What is wrong, e.g. <c>ring coordinates[0][1] (hole 1) is not closed</c>.</param>
public sealed record ValidationProblem(ValidationProblemKind Kind, string? TerritoryId, int? FeatureIndex, string Detail)
{
    /// <summary>How to fix it, when there is something useful to say.</summary>
    public string? Fix { get; init; }

    /// <summary>Where in the geometry the problem is, when it is at a point.</summary>
    public LngLat? Location { get; init; }

    /// <summary>The whole message, e.g. <c>Feature '06037' (features[17]): … at [-118.2, 34.1]. Fix: …</c>.</summary>
    public string Message
    {
        get
        {
            var text = new StringBuilder();
            if (TerritoryId is not null && FeatureIndex is not null)
            {
                text.Append("Feature '").Append(TerritoryId).Append("' (features[").Append(FeatureIndex.Value).Append("]): ");
            }
            else if (TerritoryId is not null)
            {
                text.Append("Feature '").Append(TerritoryId).Append("': ");
            }
            else if (FeatureIndex is not null)
            {
                text.Append("Feature features[").Append(FeatureIndex.Value).Append("]: ");
            }

            text.Append(Detail);
            if (Location is { } location)
            {
                text.Append(" at ").Append(location.ToString());
            }

            text.Append('.');
            if (Fix is not null)
            {
                text.Append(" Fix: ").Append(Fix);
                if (!Fix.EndsWith('.'))
                {
                    text.Append('.');
                }
            }

            return text.ToString();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Message;
}
