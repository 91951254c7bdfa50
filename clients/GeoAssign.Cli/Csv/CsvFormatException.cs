// A malformed CSV record, with the line of the problem.
namespace GeoAssign.Cli.Csv;

/// <summary>A malformed CSV record, with the line of the problem (1-based, counting every physical line).</summary>
internal sealed class CsvFormatException(long line, string problem) : Exception(problem)
{
    public long Line { get; } = line;
}
