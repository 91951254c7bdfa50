// Durations on the command line: 30d, 12h, 90m, 45s, 2w, or several together (1d12h).
using System.Globalization;
using System.Text.RegularExpressions;

namespace GeoAssign.Cli.Commands;

/// <summary>Reads the durations options take, such as <c>--expiring-within 30d</c>. Stateless and thread-safe.</summary>
internal static partial class DurationText
{
    /// <summary>
    /// A duration written as whole numbers each followed by a unit, w (weeks), d (days), h (hours), m (minutes) or
    /// s (seconds), largest first and each unit at most once: <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>1d12h</c>.
    /// </summary>
    /// <exception cref="CliInputException">The text is not such a duration, or is longer than 100 years.</exception>
    public static TimeSpan Parse(string option, string text)
    {
        var match = Pattern().Match(text.Trim().ToLowerInvariant());
        if (!match.Success || match.Length == 0)
        {
            throw new CliInputException($"{option} \"{text}\" is not a duration: give a number and a unit, such as 30d, 12h, 90m, 45s, 2w, or several together, such as 1d12h.");
        }

        double seconds = 0;
        foreach (var (group, unit) in (ReadOnlySpan<(string, double)>)[("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)])
        {
            if (match.Groups[group] is { Success: true } amount)
            {
                seconds += double.Parse(amount.Value, NumberStyles.None, CultureInfo.InvariantCulture) * unit;
            }
        }

        // The server accepts up to 100 years; a longer window is a typo, not a question.
        if (seconds > 100 * 365.0 * 86_400)
        {
            throw new CliInputException($"{option} \"{text}\" is longer than 100 years.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    [GeneratedRegex(@"^(?:(?<w>\d{1,7})w)?(?:(?<d>\d{1,7})d)?(?:(?<h>\d{1,9})h)?(?:(?<m>\d{1,10})m)?(?:(?<s>\d{1,12})s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
