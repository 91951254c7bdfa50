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
    /// For a read that found problems (e.g. <see cref="TerritoryGeoJsonReader.Read(Stream)"/>): those,
    /// plus what <paramref name="validator"/> finds in each territory whose feature read without a
    /// problem, ordered by feature, so that one answer lists every problem it can. Each territory is
    /// checked on its own (ids and parents across features are not), and checking stops once about
    /// a hundred problems are listed.
    /// </summary>
    public ValidationResult ProblemsWithTerritoryChecks(TerritoryValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        return ImportProblems.WithTerritoryChecks(this, validator);
    }

    /// <summary>The territories; throws <see cref="TerritoryValidationException"/> with every problem unless valid.</summary>
    public IReadOnlyList<Territory> GetTerritoriesOrThrow()
    {
        Validation.ThrowIfInvalid();
        return Territories;
    }
}
