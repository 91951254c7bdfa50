// Proposal problems for tests: grids of blocks with random accounts, and the full US counties with adjacency from their geometry.
using GeoAssign.Testing;
using NetTopologySuite.Geometries;

namespace GeoAssign.Proposals.Tests;

/// <summary>A problem together with the adjacency the test computed itself (real borders only).</summary>
internal sealed record TestProblem(ProposalProblem Problem, IReadOnlyList<IReadOnlyList<int>> Borders);

/// <summary>Builders of test problems. Deterministic for a seed; thread-safe (the counties are loaded once).</summary>
internal static class SyntheticProblems
{
    private static readonly Lazy<(string[] Ids, double[] Lat, double[] Lng, double[] Area, List<int>[] Borders)> Counties = new(LoadCounties);

    /// <summary>
    /// A rows × columns grid of 0.1° cells (4-neighbour adjacency) starting at 40°N 100°W, each with 0..maxAccounts
    /// accounts of weight 1..5 inside the cell; an optional gap of empty columns splits it in two islands.
    /// </summary>
    internal static TestProblem Grid(int rows, int columns, int territories, int seed, int maxAccounts = 12, int islandGapAfterColumn = -1, Func<int, int, int>? current = null, Func<int, int, int>? locked = null)
    {
        var random = new Random(seed);
        var borders = new List<int>[rows * columns];
        var blocks = new ProposalBlock[rows * columns];
        var accounts = new List<ProposalAccount>();
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var b = (r * columns) + c;
                var list = new List<int>();
                if (r > 0)
                {
                    list.Add(b - columns);
                }

                if (r < rows - 1)
                {
                    list.Add(b + columns);
                }

                if (c > 0 && c - 1 != islandGapAfterColumn)
                {
                    list.Add(b - 1);
                }

                if (c < columns - 1 && c != islandGapAfterColumn)
                {
                    list.Add(b + 1);
                }

                borders[b] = list;
                var lat = 40 + (r * 0.1);
                var lng = -100 + (c * 0.1) + (c > islandGapAfterColumn && islandGapAfterColumn >= 0 ? 1 : 0);
                var currentTerritory = current?.Invoke(r, c) ?? -1;
                blocks[b] = new ProposalBlock($"b{r}-{c}", lat + 0.05, lng + 0.05, 100, list, currentTerritory, locked?.Invoke(r, c) ?? -1);
                var count = random.Next(maxAccounts + 1);
                for (var a = 0; a < count; a++)
                {
                    accounts.Add(new ProposalAccount(b, lat + (random.NextDouble() * 0.1), lng + (random.NextDouble() * 0.1), 1 + random.Next(5), currentTerritory));
                }
            }
        }

        var owners = new ProposalTerritory[territories];
        for (var t = 0; t < territories; t++)
        {
            owners[t] = new ProposalTerritory($"t{t}", $"o{t}");
        }

        return new TestProblem(ProposalProblem.Create(blocks, owners, accounts), borders);
    }

    /// <summary>
    /// The 3,231 us-atlas counties as blocks, adjacency from the geometry (two counties border when their
    /// rings share a segment: the counties come from one topology, so shared borders have identical
    /// vertices), each county with a random number of weight-1 accounts around its centroid.
    /// </summary>
    internal static TestProblem UsCounties(int territories, int seed, Func<int, ProposalBlock, ProposalBlock>? adjust = null)
    {
        var (ids, lat, lng, area, borders) = Counties.Value;
        var random = new Random(seed);
        var blocks = new ProposalBlock[ids.Length];
        var accounts = new List<ProposalAccount>();
        for (var b = 0; b < ids.Length; b++)
        {
            blocks[b] = new ProposalBlock(ids[b], lat[b], lng[b], area[b], borders[b]);
            if (adjust is not null)
            {
                blocks[b] = adjust(b, blocks[b]);
            }

            // Skewed like people: most counties few accounts, some many.
            var count = (int)Math.Min(400, Math.Exp(random.NextDouble() * 5));
            for (var a = 0; a < count; a++)
            {
                accounts.Add(new ProposalAccount(b, lat[b] + ((random.NextDouble() - 0.5) * 0.05), lng[b] + ((random.NextDouble() - 0.5) * 0.05), 1, blocks[b].CurrentTerritory));
            }
        }

        var owners = new ProposalTerritory[territories];
        for (var t = 0; t < territories; t++)
        {
            owners[t] = new ProposalTerritory($"t{t}", $"o{t}");
        }

        return new TestProblem(ProposalProblem.Create(blocks, owners, accounts), borders);
    }

    private static (string[] Ids, double[] Lat, double[] Lng, double[] Area, List<int>[] Borders) LoadCounties()
    {
        var territories = TestDatasets.UsCountiesFull();
        var n = territories.Count;
        var ids = new string[n];
        var lat = new double[n];
        var lng = new double[n];
        var area = new double[n];
        var borders = new List<int>[n];
        var owner = new Dictionary<(double, double, double, double), int>();
        var pairs = new HashSet<(int, int)>();
        for (var b = 0; b < n; b++)
        {
            var geometry = territories[b].Geometry;
            ids[b] = territories[b].Id;
            var centroid = geometry.Centroid;
            lat[b] = centroid.Y;
            lng[b] = centroid.X;
            area[b] = geometry.Area * 111.32 * 111.32 * Math.Cos(centroid.Y * Math.PI / 180);
            borders[b] = [];
            for (var g = 0; g < geometry.NumGeometries; g++)
            {
                var polygon = (Polygon)geometry.GetGeometryN(g);
                AddRing(polygon.ExteriorRing, b);
                foreach (var hole in polygon.InteriorRings)
                {
                    AddRing(hole, b);
                }
            }
        }

        foreach (var (a, b) in pairs)
        {
            borders[a].Add(b);
            borders[b].Add(a);
        }

        foreach (var list in borders)
        {
            list.Sort();
        }

        return (ids, lat, lng, area, borders);

        void AddRing(LineString ring, int block)
        {
            var coordinates = ring.Coordinates;
            for (var i = 0; i + 1 < coordinates.Length; i++)
            {
                var p = coordinates[i];
                var q = coordinates[i + 1];
                var key = (p.X, p.Y).CompareTo((q.X, q.Y)) <= 0 ? (p.X, p.Y, q.X, q.Y) : (q.X, q.Y, p.X, p.Y);
                if (owner.TryGetValue(key, out var other))
                {
                    if (other != block)
                    {
                        pairs.Add((Math.Min(other, block), Math.Max(other, block)));
                    }
                }
                else
                {
                    owner[key] = block;
                }
            }
        }
    }
}
