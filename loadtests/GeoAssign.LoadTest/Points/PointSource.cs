// Where the points of a run come from, parsed from --points.
using System.Globalization;
using GeoAssign.Client;

namespace GeoAssign.LoadTest.Points;

/// <summary>
/// A reproducible source of points: the same seed gives the same points. A run draws its points
/// once before the load starts (<see cref="Generate"/>) and cycles through them, so generating
/// points never costs time inside the measured loop.
/// </summary>
internal abstract class PointSource
{
    /// <summary>The continental US box (as the index benchmarks use): where US territories are, not the ocean around the Aleutians.</summary>
    public const string DefaultSpec = "uniform:-125,24.5,-66.9,49.5";

    /// <summary>A short description for reports, e.g. <c>uniform:-125,24.5,-66.9,49.5</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Draws <paramref name="count"/> points with <paramref name="seed"/>.</summary>
    public abstract GeoPoint[] Generate(int count, int seed);

    /// <summary>
    /// Parses a point source: <c>uniform:minLon,minLat,maxLon,maxLat</c>, <c>cities</c> or
    /// <c>cities:CC[,CC...]</c> (country codes), <c>near-borders</c> or <c>near-borders:FILE.geojson</c>,
    /// <c>file:POINTS.csv</c>. <paramref name="settings"/> supplies the territories for
    /// <c>near-borders</c> without a file (fetched from the server).
    /// </summary>
    /// <exception cref="FormatException">The text names no known source or is malformed.</exception>
    public static PointSource Parse(string spec, PointSourceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? spec : spec[..colon];
        var argument = colon < 0 ? null : spec[(colon + 1)..];
        switch (kind)
        {
            case "uniform":
                return UniformPoints.Parse(argument ?? DefaultSpec["uniform:".Length..]);
            case "cities":
                return new CityPoints(settings.CitiesFile, argument is null ? [] : argument.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            case "near-borders":
                return argument is null
                    ? new NearBorderPoints(settings.BorderMetres, settings.FetchTerritoriesGeoJson ?? throw new FormatException("near-borders without a file needs a server to fetch the territories from."), "server")
                    : new NearBorderPoints(settings.BorderMetres, () => Task.FromResult(File.ReadAllText(argument)), argument);
            case "file":
                return new FilePoints(argument is { Length: > 0 } ? argument : throw new FormatException("file: needs a path, e.g. file:points.csv."));
            default:
                throw new FormatException(
                    $"Unknown point source \"{spec}\". Use uniform:minLon,minLat,maxLon,maxLat, cities[:CC,...], near-borders[:FILE.geojson] or file:POINTS.csv.");
        }
    }

    /// <summary>Parses a comma-separated list of invariant-culture doubles.</summary>
    internal static double[] ParseNumbers(string text, int expected, string what)
    {
        var parts = text.Split(',');
        if (parts.Length != expected)
        {
            throw new FormatException($"{what} needs {expected} comma-separated numbers, got \"{text}\".");
        }

        var values = new double[expected];
        for (var i = 0; i < expected; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
            {
                throw new FormatException($"{what}: \"{parts[i]}\" is not a number.");
            }
        }

        return values;
    }
}

/// <summary>What some point sources need besides their own text.</summary>
/// <param name="CitiesFile">The city list CSV (lat,lng,population[,country]) for <c>cities</c>.</param>
/// <param name="BorderMetres">Largest distance from a border for <c>near-borders</c>.</param>
/// <param name="FetchTerritoriesGeoJson">Reads the layer's territories as a GeoJSON FeatureCollection from the server.</param>
internal sealed record PointSourceSettings(string CitiesFile, double BorderMetres, Func<Task<string>>? FetchTerritoriesGeoJson)
{
    /// <summary>Where <c>node loadtests/cities/export.mjs</c> writes the city list, relative to the repository root.</summary>
    public const string DefaultCitiesFile = "data/cities/cities.csv";
}
