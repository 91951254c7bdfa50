// Thrown when a map or change is rejected; carries every problem found.
using System.Text;

namespace GeoAssign.Index.Validation;

/// <summary>
/// A map or change was rejected by validation; nothing of it was applied. Carries every problem
/// found (up to <see cref="ValidationOptions.MaxProblems"/>).
/// </summary>
public sealed class TerritoryValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public TerritoryValidationException(IReadOnlyList<ValidationProblem> problems, int totalProblemCount)
        : base(Describe(problems, totalProblemCount))
    {
        Problems = problems;
        TotalProblemCount = totalProblemCount;
    }

    /// <summary>The problems, in input order.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; }

    /// <summary>How many problems were found, including those not listed.</summary>
    public int TotalProblemCount { get; }

    internal static string Describe(IReadOnlyList<ValidationProblem> problems, int totalProblemCount)
    {
        if (totalProblemCount == 0)
        {
            return "Valid.";
        }

        var text = new StringBuilder();
        text.Append(totalProblemCount == 1 ? "1 problem:" : $"{totalProblemCount} problems:");
        foreach (var problem in problems)
        {
            text.AppendLine().Append(problem.Message);
        }

        if (totalProblemCount > problems.Count)
        {
            text.AppendLine().Append("… and ").Append(totalProblemCount - problems.Count).Append(" more.");
        }

        return text.ToString();
    }
}
