// The rules for territory ids and layer names that every way into the map shares.
namespace GeoAssign.Index.Model;

/// <summary>
/// What makes a territory id or a layer name well-formed. Requests, imports and the CLI all check
/// names with these rules, so that an id accepted one way is accepted every way. Stateless and thread-safe.
/// </summary>
public static class TerritoryNames
{
    /// <summary>Longest layer name.</summary>
    public const int MaxLayerLength = 64;

    /// <summary>Longest territory id.</summary>
    public const int MaxIdLength = 256;

    /// <summary>What is wrong with a non-empty layer name (e.g. <c>contains ' '; a layer name uses only …</c>), or null.</summary>
    public static string? LayerProblem(string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
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

    /// <summary>Longest plan name.</summary>
    public const int MaxPlanLength = 64;

    /// <summary>What is wrong with a plan name (the same characters as a layer name), or null.</summary>
    public static string? PlanProblem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "is empty; a plan name has 1 to 64 characters";
        }

        if (name.Length > MaxPlanLength)
        {
            return $"is {name.Length} characters long; a plan name has 1 to {MaxPlanLength}";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':'))
            {
                return $"contains '{Printable(c)}'; a plan name uses only A-Z a-z 0-9 and \"_-.:\"";
            }
        }

        return null;
    }

    /// <summary>What is wrong with a territory id (e.g. <c>the id is empty</c>), or null.</summary>
    public static string? IdProblem(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
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

    /// <summary><paramref name="text"/>, cut to 80 characters with an ellipsis, for messages that quote it.</summary>
    public static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "…");

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
