// Merges the problems of a GeoJSON read with what validation finds in the features that did read.
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Merges the problems the reading reported with those validation finds, so that one answer lists
/// every problem of a file once, in feature order. Stateless and thread-safe.
/// </summary>
internal static class ImportProblems
{
    // A failed read's territory checks stop once this many problems are listed: an answer shows a few
    // dozen at most, and a broken file of a million features need not be validated in full.
    private const int EnoughAfterFailedRead = 100;

    /// <summary>
    /// The read with its problems and those of <paramref name="validation"/> (of the whole map of read
    /// territories), ordered by feature, at most <paramref name="maxProblems"/> listed.
    /// </summary>
    public static GeoJsonImportResult WithMapValidation(GeoJsonImportResult read, ValidationResult validation, int maxProblems)
    {
        // A feature whose geometry could not be read has an empty placeholder: validation would call
        // it empty. And a problem the reading reported is not reported again by validation.
        var placeholders = new HashSet<int>();
        var reported = new HashSet<(int, ValidationProblemKind)>();
        foreach (var problem in read.Problems)
        {
            if (problem.FeatureIndex is not { } index)
            {
                continue;
            }

            reported.Add((index, problem.Kind));
            if (problem.Kind == ValidationProblemKind.NoAreaAfterRepair)
            {
                reported.Add((index, ValidationProblemKind.InvalidGeometry));
            }
            if (problem.Kind is ValidationProblemKind.MissingGeometry or ValidationProblemKind.MalformedGeometry
                or ValidationProblemKind.RingNotClosed or ValidationProblemKind.RingTooShort
                or ValidationProblemKind.CoordinateNotFinite or ValidationProblemKind.UnsupportedGeometryType)
            {
                placeholders.Add(index);
            }
        }

        // Validation names territories by list index; the file names them by feature index.
        var merged = new List<(int Order, ValidationProblem Problem)>();
        var order = 0;
        foreach (var problem in read.Problems)
        {
            merged.Add((order++, problem));
        }

        foreach (var problem in validation.Problems)
        {
            var mapped = problem.FeatureIndex is { } i ? problem with { FeatureIndex = read.FeatureIndexes[i] } : problem;
            if (mapped.FeatureIndex is { } f
                && ((mapped.Kind == ValidationProblemKind.EmptyGeometry && placeholders.Contains(f)) || reported.Contains((f, mapped.Kind))))
            {
                continue;
            }

            merged.Add((order++, mapped));
        }

        merged.Sort(static (a, b) =>
        {
            var byFeature = (a.Problem.FeatureIndex ?? int.MaxValue).CompareTo(b.Problem.FeatureIndex ?? int.MaxValue);
            return byFeature != 0 ? byFeature : a.Order.CompareTo(b.Order);
        });

        var listed = new List<ValidationProblem>(Math.Min(maxProblems, merged.Count));
        for (var i = 0; i < merged.Count && i < maxProblems; i++)
        {
            listed.Add(merged[i].Problem);
        }

        var total = read.Validation.TotalProblemCount + validation.TotalProblemCount
            - (read.Validation.Problems.Count + validation.Problems.Count - merged.Count);
        var result = total == 0 ? ValidationResult.Valid : new ValidationResult(listed.AsReadOnly(), Math.Max(total, listed.Count));
        return new GeoJsonImportResult(read.Territories, read.FeatureIndexes, result, read.Repairs)
        {
            LargestBufferBytes = read.LargestBufferBytes,
        };
    }

    /// <summary>
    /// The problems of a read, plus what <paramref name="validator"/> finds in each territory whose
    /// feature read without a problem (each on its own: ids and parents across features are not
    /// checked), ordered by feature.
    /// </summary>
    public static ValidationResult WithTerritoryChecks(GeoJsonImportResult read, TerritoryValidator validator)
    {
        var problems = new List<ValidationProblem>(read.Problems);
        var total = read.Validation.TotalProblemCount;
        var broken = new HashSet<int>();
        foreach (var problem in read.Problems)
        {
            if (problem.FeatureIndex is { } index)
            {
                broken.Add(index);
            }
        }

        for (var i = 0; i < read.Territories.Count && problems.Count < EnoughAfterFailedRead; i++)
        {
            var index = read.FeatureIndexes[i];
            if (broken.Contains(index))
            {
                continue;
            }

            var result = validator.ValidateTerritory(read.Territories[i]);
            foreach (var problem in result.Problems)
            {
                problems.Add(problem with { FeatureIndex = index });
            }

            total += result.TotalProblemCount;
        }

        // A stable sort: problems of one feature keep their order, those of no feature come last.
        var ordered = new List<ValidationProblem>(problems.Count);
        ordered.AddRange(problems.OrderBy(static p => p.FeatureIndex ?? int.MaxValue));
        return ordered.Count == 0 && total == 0 ? ValidationResult.Valid : new ValidationResult(ordered.AsReadOnly(), Math.Max(total, ordered.Count));
    }
}
