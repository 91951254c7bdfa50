// How unevenly a quantity (accounts, weight) is shared over owners: max/mean, coefficient of variation, Gini.
namespace GeoAssign.Index.Analysis;

/// <summary>
/// Figures of imbalance over a set of non-negative values (one per owner). With no value, or when
/// every value is 0, every figure is 0. Immutable and thread-safe.
/// </summary>
/// <param name="Count">Number of values (owners).</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="MaxOverMean">Max / mean: 1 when perfectly even.</param>
/// <param name="CoefficientOfVariation">Population standard deviation / mean: 0 when perfectly even.</param>
/// <param name="Gini">Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean): 0 when perfectly even, (n − 1) / n when one value holds everything.</param>
public readonly record struct BalanceFigures(int Count, double Min, double Max, double Mean, double MaxOverMean, double CoefficientOfVariation, double Gini)
{
    /// <summary>The figures of <paramref name="values"/>, each finite and not negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative, NaN or infinite.</exception>
    public static BalanceFigures Of(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        if (n == 0)
        {
            return default;
        }

        var sum = 0.0;
        var min = double.PositiveInfinity;
        var max = 0.0;
        foreach (var value in values)
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(values), value, "Balance figures need finite values that are not negative.");
            }

            sum += value;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        if (sum == 0)
        {
            return new BalanceFigures(n, 0, 0, 0, 0, 0, 0);
        }

        var mean = sum / n;
        // Two passes: the squared deviations from the mean, not E[x²] - mean², which loses precision.
        var squares = 0.0;
        foreach (var value in values)
        {
            var deviation = value - mean;
            squares += deviation * deviation;
        }

        // Gini from the sorted values: Σ (2i − n − 1) x₍ᵢ₎ / (n Σx), i = 1..n ascending, equal to the
        // mean absolute difference over twice the mean in O(n log n) instead of O(n²).
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var weighted = 0.0;
        for (var i = 0; i < n; i++)
        {
            weighted += (2.0 * (i + 1) - n - 1) * sorted[i];
        }

        return new BalanceFigures(n, min, max, mean, max / mean, Math.Sqrt(squares / n) / mean, Math.Max(0, weighted / (n * sum)));
    }
}
