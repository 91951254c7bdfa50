// --plan, --as-of and --version: which map a lookup command answers from, and ISO-8601 instants on the command line.
using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using GeoAssign.Client;

namespace GeoAssign.Cli.Commands;

/// <summary>The options that choose the map a lookup answers from (at most one of them), for resolve, resolve-csv and reassign.</summary>
internal sealed partial class MapViewOptions
{
    public Option<string?> Plan { get; } = new("--plan") { Description = "Answer from this plan instead of the live map", HelpName = "NAME" };

    public Option<string?> AsOf { get; } = new("--as-of")
    {
        Description = "Answer from the live map as it was at this instant (ISO-8601, e.g. 2027-01-01T09:00:00Z; UTC when no offset is given)",
        HelpName = "TIME",
    };

    public Option<ulong?> Version { get; } = new("--version") { Description = "Answer from this past version of the live map", HelpName = "VERSION" };

    public void AddTo(Command command)
    {
        command.Add(Plan);
        command.Add(AsOf);
        command.Add(Version);
    }

    /// <summary>The map the options name; <see cref="MapView.Live"/> when none is given.</summary>
    /// <exception cref="CliInputException">More than one is given, or one is malformed.</exception>
    public MapView Read(ParseResult parse)
    {
        var plan = parse.GetValue(Plan);
        var asOf = parse.GetValue(AsOf);
        var version = parse.GetValue(Version);
        var given = (plan is null ? 0 : 1) + (asOf is null ? 0 : 1) + (version is null ? 0 : 1);
        if (given > 1)
        {
            throw new CliInputException("--plan, --as-of and --version are mutually exclusive: give at most one (the map to answer from).");
        }

        if (plan is not null)
        {
            return plan.Length == 0 ? throw new CliInputException("--plan needs a plan's name (`geoassign plan list` shows them).") : MapView.ForPlan(plan);
        }

        if (version is { } v)
        {
            return v == 0 ? throw new CliInputException("--version 0 is the map before any edit; give a version `geoassign map history` lists.") : MapView.AtVersion(v);
        }

        return asOf is null ? MapView.Live : MapView.AtTime(ParseInstant("--as-of", asOf));
    }

    /// <summary>
    /// An ISO-8601 date, or date and time (with seconds and fractions optional), with an offset or "Z"; without
    /// one it is UTC, so that a command means the same on every machine.
    /// </summary>
    /// <exception cref="CliInputException">The text is not such an instant.</exception>
    public static DateTimeOffset ParseInstant(string option, string text)
    {
        var trimmed = text.Trim();
        if (IsoDate().IsMatch(trimmed)
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant;
        }

        throw new CliInputException($"{option} \"{text}\" is not an ISO-8601 date and time, such as 2027-01-01T09:00:00Z, 2027-01-01T09:00+02:00 or 2027-01-01.");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();
}
