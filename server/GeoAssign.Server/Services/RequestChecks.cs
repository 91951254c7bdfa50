// Checks of request fields that the protos specify: coordinates, layers, import options (ids and layer names follow TerritoryNames).
using GeoAssign.Index.Model;
using ImportMode = GeoAssign.Protos.V1.ImportMode;

namespace GeoAssign.Server.Services;

/// <summary>Field checks shared by the services; each throws INVALID_ARGUMENT naming the field. Stateless.</summary>
internal static class RequestChecks
{
    /// <summary>The layer a request names: "geo" when empty; INVALID_ARGUMENT when malformed.</summary>
    public static string Layer(string layer, string field = "layer") =>
        layer.Length == 0 ? Territory.DefaultLayer
        : TerritoryNames.LayerProblem(layer) is { } problem ? throw RpcErrors.InvalidArgument($"{field} \"{Shorten(layer)}\" {problem}")
        : layer;

    /// <summary>The plan a request names: empty for the live map; INVALID_ARGUMENT when the name is malformed.</summary>
    public static string Plan(string plan, string field = "plan") =>
        plan.Length == 0 ? plan
        : TerritoryNames.PlanProblem(plan) is { } problem ? throw RpcErrors.InvalidArgument($"{field} \"{Shorten(plan)}\" {problem}")
        : plan;

    /// <summary>Null for an empty string: the form the domain uses for "no plan".</summary>
    public static string? NullIfEmpty(this string text) => text.Length == 0 ? null : text;

    /// <summary>
    /// Whether an import replaces its layer (ImportGeoJsonOptions.mode); INVALID_ARGUMENT for a mode
    /// this server does not know (proto3 enums are open: any number arrives), which must not
    /// quietly merge.
    /// </summary>
    public static bool ReplacesLayer(ImportMode mode, string field = "options.mode") => mode switch
    {
        ImportMode.Unspecified or ImportMode.Merge => false,
        ImportMode.Replace => true,
        _ => throw RpcErrors.InvalidArgument(
            $"{field} is {(int)mode}, which this server does not know; use IMPORT_MODE_MERGE (1, also when unset) or IMPORT_MODE_REPLACE (2)."),
    };

    /// <summary>What is wrong with a coordinate pair, or null.</summary>
    public static string? PointProblem(double lat, double lng)
    {
        if (!double.IsFinite(lat) || !double.IsFinite(lng))
        {
            return $"lat {Format(lat)}, lng {Format(lng)} is not a finite number";
        }

        if (lat is < -90 or > 90)
        {
            return $"lat {Format(lat)} is outside [-90, 90]";
        }

        return lng is < -180 or > 180 ? $"lng {Format(lng)} is outside [-180, 180]" : null;
    }

    public static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public static string Shorten(string text) => TerritoryNames.Shorten(text);
}
