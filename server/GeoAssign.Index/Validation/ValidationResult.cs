// The outcome of validating a map or a change: every problem found, or none.
namespace GeoAssign.Index.Validation;

/// <summary>
/// The outcome of validation: valid when <see cref="Problems"/> is empty. Validation is
/// all-or-nothing: a caller applies nothing from an invalid input. Immutable and thread-safe.
/// </summary>
public sealed class ValidationResult
{
    /// <summary>A result without problems.</summary>
    public static ValidationResult Valid { get; } = new([], 0);

    /// <summary>Creates a result.</summary>
    /// <param name="problems">The problems listed (at most the configured maximum).</param>
    /// <param name="totalProblemCount">All problems found, including those not listed.</param>
    public ValidationResult(IReadOnlyList<ValidationProblem> problems, int totalProblemCount)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalProblemCount, problems.Count);
        Problems = problems;
        TotalProblemCount = totalProblemCount;
    }

    /// <summary>The problems, in input order, at most <see cref="ValidationOptions.MaxProblems"/>.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }

    /// <summary>How many problems were found, including those beyond <see cref="ValidationOptions.MaxProblems"/>.</summary>
    public int TotalProblemCount { get; }

    /// <summary>Whether nothing is wrong.</summary>
    public bool IsValid => TotalProblemCount == 0;

    /// <summary>Throws <see cref="TerritoryValidationException"/> unless the input is valid.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new TerritoryValidationException(Problems, TotalProblemCount);
        }
    }

    /// <summary>Every problem's message on its own line, and a count of those not listed.</summary>
    public override string ToString() => TerritoryValidationException.Describe(Problems, TotalProblemCount);
}
