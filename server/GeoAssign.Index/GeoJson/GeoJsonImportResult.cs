// What a GeoJSON import produced: territories, or the problems that reject them.
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// The result of reading a GeoJSON FeatureCollection. Use <see cref="Territories"/> only when
/// <see cref="IsValid"/>: otherwise some may be placeholders for features that could not be read
/// (e.g. with an empty geometry), kept so that every problem of the file is reported at once.
/// Immutable and thread-safe.
/// </summary>
public sealed class GeoJsonImportResult
{
    internal GeoJsonImportResult(IReadOnlyList<Territory> territories, IReadOnlyList<int> featureIndexes,
        ValidationResult validation, IReadOnlyList<GeometryRepairRecord> repairs)
    {
        Territories = territories;
        FeatureIndexes = featureIndexes;
        Validation = validation;
        Repairs = repairs;
    }

    /// <summary>The territories, in file order.</summary>
    public IReadOnlyList<Territory> Territories { get; }

    /// <summary>For each territory, the index of its feature in the FeatureCollection.</summary>
    public IReadOnlyList<int> FeatureIndexes { get; }

    /// <summary>Every problem found (reading and, for <see cref="TerritoryGeoJsonReader.Import(Stream, TerritoryValidator?)"/>, validation).</summary>
    public ValidationResult Validation { get; }

    /// <summary>The problems, in file order; shorthand for <c>Validation.Problems</c>.</summary>
    public IReadOnlyList<ValidationProblem> Problems => Validation.Problems;

    /// <summary>Whether nothing is wrong.</summary>
    public bool IsValid => Validation.IsValid;

    /// <summary>The geometries that were repaired, when repair was asked for.</summary>
    public IReadOnlyList<GeometryRepairRecord> Repairs { get; }

    /// <summary>The largest the read buffer grew, in bytes (for tests of streaming).</summary>
    internal int LargestBufferBytes { get; init; }

    /// <summary>
    /// Every problem the read found, together with what validation finds in the features that did read
    /// (a broken feature is not validated again), ordered by feature: one answer lists every problem it
    /// can. Problems name feature indexes.
    /// </summary>
    public ValidationResult AllProblems(ValidationOptions validation)
    {
        var problems = new List<ValidationProblem>(Problems);
        var total = Validation.TotalProblemCount;
        var broken = new HashSet<int>(Problems.Where(p => p.FeatureIndex is not null).Select(p => p.FeatureIndex!.Value));
        var validator = new TerritoryValidator(validation);
        for (var i = 0; i < Territories.Count && problems.Count < 100; i++)
        {
            var index = FeatureIndexes[i];
            if (broken.Contains(index))
            {
                continue;
            }

            var result = validator.ValidateTerritory(Territories[i]);
            problems.AddRange(result.Problems.Select(p => p with { FeatureIndex = index }));
            total += result.TotalProblemCount;
        }

        var ordered = problems.OrderBy(p => p.FeatureIndex ?? int.MaxValue).ToList();
        return new ValidationResult(ordered, Math.Max(total, ordered.Count));
    }

    /// <summary>The territories; throws <see cref="TerritoryValidationException"/> with every problem unless valid.</summary>
    public IReadOnlyList<Territory> GetTerritoriesOrThrow()
    {
        Validation.ThrowIfInvalid();
        return Territories;
    }
}
