// An import of a GeoJSON file: what it brings, checked, and the change it makes to a given map.
using System.Text;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>What an import asks for, beside the file itself. Immutable.</summary>
/// <param name="Layer">The layer of features that name none, and the layer a replace empties.</param>
/// <param name="Replace">Whether territories of <paramref name="Layer"/> missing from the file are deleted.</param>
/// <param name="SkipFeaturesWithoutArea">Whether features that a repair left without area are left out (named in the warnings) instead of rejecting the import.</param>
/// <param name="MaxAttributesBytes">The largest attributes of one territory, as compact JSON.</param>
public sealed record TerritoryImportOptions(string Layer, bool Replace, bool SkipFeaturesWithoutArea, int MaxAttributesBytes);

/// <summary>What an import does to one map version. Immutable.</summary>
/// <param name="Change">The change, or null when the file changes nothing (no features and nothing to delete).</param>
/// <param name="Created">Territories the import creates.</param>
/// <param name="Updated">Territories it replaces.</param>
/// <param name="Deleted">Territories it deletes (replace only).</param>
public sealed record TerritoryImportPlan(MapChange? Change, int Created, int Updated, int Deleted);

/// <summary>
/// A GeoJSON import, checked on its own: the territories it brings in file order, the feature each
/// came from, and what was repaired or left out. <see cref="PlanAgainst"/> turns it into the change it
/// makes to a map version; the map then validates that change as it validates every other. Problems
/// are <see cref="ValidationProblem"/>s: those of <see cref="Prepare"/> name the feature index, those of
/// <see cref="PlanAgainst"/> (like those of validating its change) the index of the territory in
/// <see cref="Territories"/>, which <see cref="FeatureIndexOf"/> turns into the feature index.
/// Immutable and thread-safe.
/// </summary>
public sealed class TerritoryImport
{
    private readonly TerritoryImportOptions _options;

    private TerritoryImport(TerritoryImportOptions options, IReadOnlyList<Territory> territories, IReadOnlyList<int> featureIndexes, IReadOnlyList<string> warnings)
    {
        _options = options;
        Territories = territories;
        FeatureIndexes = featureIndexes;
        Warnings = warnings;
    }

    /// <summary>The territories the import brings, in file order.</summary>
    public IReadOnlyList<Territory> Territories { get; }

    /// <summary>For each territory, the index of its feature in the FeatureCollection.</summary>
    public IReadOnlyList<int> FeatureIndexes { get; }

    /// <summary>What was repaired or left out, one line per feature, e.g. <c>features[3] (id "x"): repaired invalid geometry (…)</c>.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The feature index of the territory at <paramref name="territoryIndex"/>.</summary>
    public int FeatureIndexOf(int territoryIndex) => territoryIndex < FeatureIndexes.Count ? FeatureIndexes[territoryIndex] : territoryIndex;

    /// <summary>
    /// Checks what was read: the read's own problems (unless they are only features without area that
    /// the options leave out), id and layer names, a replace that names another layer, and attribute sizes.
    /// </summary>
    /// <exception cref="TerritoryValidationException">
    /// Something is wrong; nothing was changed. Every problem names its feature index. A failed read lists
    /// its problems together with what validation finds in the features that did read
    /// (<see cref="GeoJsonImportResult.ProblemsWithTerritoryChecks"/>).
    /// </exception>
    public static TerritoryImport Prepare(GeoJsonImportResult read, TerritoryImportOptions options, ValidationOptions validation)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(options);
        var skipped = new HashSet<int>();
        var warnings = new List<string>();
        if (!read.IsValid)
        {
            if (!options.SkipFeaturesWithoutArea || read.Problems.Any(p => p.Kind != ValidationProblemKind.NoAreaAfterRepair || p.FeatureIndex is null))
            {
                read.ProblemsWithTerritoryChecks(new TerritoryValidator(validation)).ThrowIfInvalid();
            }

            foreach (var problem in read.Problems)
            {
                skipped.Add(problem.FeatureIndex!.Value);
                warnings.Add($"{Name(problem.FeatureIndex.Value, problem.TerritoryId ?? "")}: left out, as asked: {problem.Detail}.");
            }
        }

        foreach (var repair in read.Repairs)
        {
            if (!skipped.Contains(repair.FeatureIndex))
            {
                warnings.Add($"{Name(repair.FeatureIndex, repair.TerritoryId ?? "")}: repaired invalid geometry ({repair.Reason}); {repair.VerticesBefore} vertices before, {repair.VerticesAfter} after.");
            }
        }

        var territories = new List<Territory>(read.Territories.Count);
        var featureIndexes = new List<int>(read.Territories.Count);
        for (var i = 0; i < read.Territories.Count; i++)
        {
            if (!skipped.Contains(read.FeatureIndexes[i]))
            {
                territories.Add(read.Territories[i]);
                featureIndexes.Add(read.FeatureIndexes[i]);
            }
        }

        var problems = new List<ValidationProblem>();
        for (var i = 0; i < territories.Count; i++)
        {
            var territory = territories[i];
            if (TerritoryNames.IdProblem(territory.Id) is { } idProblem)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.InvalidId, territory.Id, featureIndexes[i], idProblem));
            }

            if (TerritoryNames.LayerProblem(territory.Layer) is { } layerProblem)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.InvalidLayer, territory.Id, featureIndexes[i], $"layer \"{TerritoryNames.Shorten(territory.Layer)}\" {layerProblem}"));
            }
            else if (options.Replace && territory.Layer != options.Layer)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.LayerMismatch, territory.Id, featureIndexes[i],
                    $"the feature's layer is \"{territory.Layer}\" but the import replaces layer \"{options.Layer}\"")
                {
                    Fix = "leave out its layer property or import it separately",
                });
            }

            if (territory.Attributes.Count > 0 && Encoding.UTF8.GetByteCount(territory.Attributes.ToJson()) is var bytes && bytes > options.MaxAttributesBytes)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.AttributesTooLarge, territory.Id, featureIndexes[i],
                    $"the attributes are {bytes:N0} bytes as compact JSON; the limit is {options.MaxAttributesBytes:N0}")
                {
                    Fix = validation.FixOrRaise("make them smaller", "MaxAttributesBytes"),
                });
            }
        }

        new ValidationResult(problems, problems.Count).ThrowIfInvalid();
        return new TerritoryImport(options, territories, featureIndexes, warnings);
    }

    /// <summary>
    /// The change this import makes to <paramref name="current"/>, as version <paramref name="nextVersion"/>:
    /// every territory upserted and, for a replace, the territories of the layer that the file does not
    /// have deleted (in id order).
    /// </summary>
    /// <exception cref="TerritoryValidationException">An id belongs to a territory of another layer (<see cref="ValidationProblemKind.IdInOtherLayer"/>).</exception>
    public TerritoryImportPlan PlanAgainst(TerritoryMap current, long nextVersion)
    {
        ArgumentNullException.ThrowIfNull(current);
        var created = 0;
        var updated = 0;
        var fileIds = new HashSet<string>(StringComparer.Ordinal);
        List<ValidationProblem>? problems = null;
        for (var i = 0; i < Territories.Count; i++)
        {
            var territory = Territories[i];
            fileIds.Add(territory.Id);
            if (!current.Territories.TryGetValue(territory.Id, out var existing))
            {
                created++;
                continue;
            }

            if (existing.Territory.Layer != territory.Layer)
            {
                (problems ??= []).Add(new ValidationProblem(ValidationProblemKind.IdInOtherLayer, territory.Id, i,
                    $"the id already belongs to a territory of layer \"{existing.Territory.Layer}\" (ids are unique across layers)"));
            }

            updated++;
        }

        if (problems is not null)
        {
            throw new TerritoryValidationException(problems, problems.Count);
        }

        var deletes = new List<string>();
        if (_options.Replace)
        {
            foreach (var (id, entry) in current.Territories)
            {
                if (entry.Territory.Layer == _options.Layer && !fileIds.Contains(id))
                {
                    deletes.Add(id);
                }
            }

            deletes.Sort(StringComparer.Ordinal);
        }

        var change = Territories.Count == 0 && deletes.Count == 0 ? null : new MapChange(nextVersion, Territories, deletes);
        return new TerritoryImportPlan(change, created, updated, deletes.Count);
    }

    private static string Name(int featureIndex, string id) => $"features[{featureIndex}] (id \"{TerritoryNames.Shorten(id)}\")";
}
