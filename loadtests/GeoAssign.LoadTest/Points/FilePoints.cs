// Points read from a CSV file.
using System.Globalization;
using GeoAssign.Client;

namespace GeoAssign.LoadTest.Points;

/// <summary>
/// Points from a CSV file with a header naming a <c>lat</c> and a <c>lng</c> (or <c>lon</c>)
/// column, such as the files <c>geoassign-load points</c> and <c>geoassign resolve-csv</c> read.
/// A run that needs more points than the file holds cycles through them; the seed picks where it starts.
/// </summary>
internal sealed class FilePoints(string path) : PointSource
{
    public override string Description => $"file:{path}";

    public override GeoPoint[] Generate(int count, int seed)
    {
        var all = ReadAll();
        var points = new GeoPoint[Math.Min(count, all.Count)];
        var start = all.Count == points.Length ? 0 : new Random(seed).Next(all.Count);
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = all[(start + i) % all.Count];
        }

        return points;
    }

    internal List<GeoPoint> ReadAll()
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new FormatException($"{path} is empty.");
        var columns = header.TrimStart('\uFEFF').Split(',').Select(c => c.Trim().Trim('"').ToLowerInvariant()).ToArray();
        var latColumn = Array.IndexOf(columns, "lat");
        var lngColumn = Array.IndexOf(columns, "lng") is var lng and >= 0 ? lng : Array.IndexOf(columns, "lon");
        if (latColumn < 0 || lngColumn < 0)
        {
            throw new FormatException($"{path}: the header \"{header}\" needs a lat and a lng (or lon) column.");
        }

        var points = new List<GeoPoint>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(',');
            if (parts.Length <= Math.Max(latColumn, lngColumn)
                || !double.TryParse(parts[latColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var latValue)
                || !double.TryParse(parts[lngColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var lngValue))
            {
                throw new FormatException($"{path} line {lineNumber}: \"{line}\" has no numeric lat and lng.");
            }

            points.Add(new GeoPoint(latValue, lngValue));
        }

        if (points.Count == 0)
        {
            throw new FormatException($"{path} holds no point.");
        }

        return points;
    }
}
