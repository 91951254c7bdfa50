// Collects the problems of one validation or read, listing up to a limit and counting the rest.
namespace GeoAssign.Index.Validation;

/// <summary>Collects problems up to a limit and counts the rest. Not thread-safe: one per validation or read.</summary>
internal sealed class ProblemCollector(int max)
{
    private readonly List<ValidationProblem> _problems = [];

    public int Total { get; private set; }

    public void Add(ValidationProblem problem)
    {
        Total++;
        if (_problems.Count < max)
        {
            _problems.Add(problem);
        }
    }

    public ValidationResult ToResult() =>
        Total == 0 ? ValidationResult.Valid : new ValidationResult(_problems.AsReadOnly(), Total);
}
