// Checks of request fields that the protos specify: coordinates, layers, ids, import options.
using GeoAssign.Index.Model;
using ImportMode = GeoAssign.Protos.V1.ImportMode;

namespace GeoAssign.Server.Services;

/// <summary>Field checks shared by the services; each throws INVALID_ARGUMENT naming the field. Stateless.</summary>
internal static class RequestChecks
{
    /// <summary>Longest layer name.</summary>
    public const int MaxLayerLength = 64;

    /// <summary>Longest territory id.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The layer a request names: "geo" when empty; INVALID_ARGUMENT when malformed.</summary>
    public static string Layer(string layer, string field = "layer") =>
        layer.Length == 0 ? Territory.DefaultLayer
        : LayerProblem(layer) is { } problem ? throw RpcErrors.InvalidArgument($"{field} \"{Shorten(layer)}\" {problem}")
        : layer;

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

    /// <summary>What is wrong with a non-empty layer name, or null.</summary>
    public static string? LayerProblem(string layer)
    {
        if (layer.Length > MaxLayerLength)
        {
            return $"is {layer.Length} characters long; a layer name has 1 to {MaxLayerLength}";
        }

        foreach (var c in layer)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':'))
            {
                return $"contains '{Printable(c)}'; a layer name uses only A-Z a-z 0-9 and \"_-.:\"";
            }
        }

        return null;
    }

    /// <summary>What is wrong with a territory id, or null.</summary>
    public static string? IdProblem(string id)
    {
        if (id.Length == 0)
        {
            return "the id is empty";
        }

        if (id.Length > MaxIdLength)
        {
            return $"the id is {id.Length} characters long; ids have 1 to {MaxIdLength}";
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return $"the id contains the control character U+{(int)c:X4}";
            }
        }

        return null;
    }

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

    public static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "…");

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
