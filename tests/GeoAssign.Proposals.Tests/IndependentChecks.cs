// Checks of a proposal that share no code with the engine: contiguity by BFS over the test's own adjacency, figures from the accounts.
using Xunit;

namespace GeoAssign.Proposals.Tests;

/// <summary>Assertions recomputed from scratch. Stateless and thread-safe.</summary>
internal static class IndependentChecks
{
    /// <summary>
    /// Every block in exactly one territory, every territory non-empty, locked blocks kept, and every
    /// territory contiguous over real borders, except that a territory may span several landmasses
    /// (components of the whole block graph) — then the figures must say it relies on a virtual edge.
    /// </summary>
    internal static void AssertHardRules(TestProblem test, ProposalResult result)
    {
        var problem = test.Problem;
        var n = problem.Blocks.Count;
        var k = problem.Territories.Count;
        var assignment = result.BlockTerritory;
        Assert.Equal(n, assignment.Count);
        var blocks = new int[k];
        for (var b = 0; b < n; b++)
        {
            Assert.InRange(assignment[b], 0, k - 1);
            blocks[assignment[b]]++;
            if (problem.Blocks[b].LockedTerritory >= 0)
            {
                Assert.Equal(problem.Blocks[b].LockedTerritory, assignment[b]);
            }
        }

        Assert.All(blocks, count => Assert.True(count > 0, "A territory has no block."));
        var landmass = Label(test.Borders, n, _ => 0);
        var pieces = Label(test.Borders, n, b => assignment[b]);
        for (var t = 0; t < k; t++)
        {
            var pieceLandmass = new Dictionary<int, int>();
            for (var b = 0; b < n; b++)
            {
                if (assignment[b] != t)
                {
                    continue;
                }

                if (pieceLandmass.TryGetValue(pieces[b], out var seen))
                {
                    continue;
                }

                pieceLandmass[pieces[b]] = landmass[b];
            }

            var landmasses = pieceLandmass.Values.Distinct().Count();
            Assert.True(landmasses == pieceLandmass.Count, $"Territory {t} has {pieceLandmass.Count} pieces on {landmasses} landmasses: two pieces on one landmass are not contiguous.");
            Assert.Equal(pieceLandmass.Count, result.Figures.Territories[t].BorderComponents);
            Assert.Equal(pieceLandmass.Count > 1, result.Figures.Territories[t].ReliesOnVirtualEdge);
            Assert.True(result.Figures.Territories[t].Contiguous);
        }

        Assert.True(result.Figures.AllContiguous);
    }

    /// <summary>The reported figures equal those recomputed from the accounts (pinned accounts at their pinned territory, never moved).</summary>
    internal static void AssertFigures(ProposalProblem problem, ProposalResult result)
    {
        var k = problem.Territories.Count;
        var weight = new double[k];
        var count = new int[k];
        var centre = new (double X, double Y, double Z)[k];
        var moved = 0;
        double total = 0;
        foreach (var account in problem.Accounts)
        {
            var t = account.PinnedTerritory >= 0 ? account.PinnedTerritory : result.BlockTerritory[account.Block];
            weight[t] += account.Weight;
            count[t]++;
            total += account.Weight;
            var v = Vector(account.Lat, account.Lng);
            centre[t] = (centre[t].X + (account.Weight * v.X), centre[t].Y + (account.Weight * v.Y), centre[t].Z + (account.Weight * v.Z));
            if (account.PinnedTerritory < 0 && account.CurrentTerritory >= 0 && account.CurrentTerritory != t)
            {
                moved++;
            }
        }

        var capacity = problem.Territories.Sum(t => t.Capacity);
        double maxDeviation = 0;
        var ratios = new double[k];
        for (var t = 0; t < k; t++)
        {
            var target = total * problem.Territories[t].Capacity / capacity;
            var deviation = (weight[t] - target) / target;
            ratios[t] = weight[t] / target;
            maxDeviation = Math.Max(maxDeviation, Math.Abs(deviation));
            var reported = result.Figures.Territories[t];
            Assert.Equal(weight[t], reported.Weight, 6);
            Assert.Equal(count[t], reported.Accounts);
            Assert.Equal(target, reported.Target, 6);
            Assert.Equal(deviation, reported.Deviation, 9);
            var territory = problem.Territories[t];
            if (territory.HomeLat is { } lat && territory.HomeLng is { } lng)
            {
                centre[t] = Vector(lat, lng);
            }
            else
            {
                var length = Math.Sqrt((centre[t].X * centre[t].X) + (centre[t].Y * centre[t].Y) + (centre[t].Z * centre[t].Z));
                centre[t] = (centre[t].X / length, centre[t].Y / length, centre[t].Z / length);
            }
        }

        double distance = 0;
        foreach (var account in problem.Accounts)
        {
            var t = account.PinnedTerritory >= 0 ? account.PinnedTerritory : result.BlockTerritory[account.Block];
            distance += account.Weight * Haversine(account.Lat, account.Lng, centre[t]);
        }

        var mean = ratios.Average();
        var cv = Math.Sqrt(ratios.Select(r => (r - mean) * (r - mean)).Average()) / mean;
        Assert.Equal(maxDeviation, result.Figures.MaxDeviation, 9);
        Assert.Equal(cv, result.Figures.CoefficientOfVariation, 6);
        Assert.Equal(moved, result.Figures.MovedAccounts);
        Assert.Equal((double)moved / problem.Accounts.Count, result.Figures.MovedShare, 12);
        Assert.Equal(distance / total, result.Figures.CompactnessKm, 3);
    }

    /// <summary>Components of the graph restricted to edges whose ends share a label.</summary>
    private static int[] Label(IReadOnlyList<IReadOnlyList<int>> borders, int n, Func<int, int> label)
    {
        var component = Enumerable.Repeat(-1, n).ToArray();
        var next = 0;
        for (var start = 0; start < n; start++)
        {
            if (component[start] >= 0)
            {
                continue;
            }

            var stack = new Stack<int>();
            stack.Push(start);
            component[start] = next;
            while (stack.Count > 0)
            {
                var b = stack.Pop();
                foreach (var m in borders[b])
                {
                    if (component[m] < 0 && label(m) == label(start))
                    {
                        component[m] = next;
                        stack.Push(m);
                    }
                }
            }

            next++;
        }

        return component;
    }

    private static (double X, double Y, double Z) Vector(double lat, double lng)
    {
        var phi = lat * Math.PI / 180;
        var lambda = lng * Math.PI / 180;
        return (Math.Cos(phi) * Math.Cos(lambda), Math.Cos(phi) * Math.Sin(lambda), Math.Sin(phi));
    }

    /// <summary>Haversine distance in km from a point to a unit vector (a different formula from the engine's).</summary>
    private static double Haversine(double lat, double lng, (double X, double Y, double Z) centre)
    {
        var centreLat = Math.Asin(Math.Clamp(centre.Z, -1, 1));
        var centreLng = Math.Atan2(centre.Y, centre.X);
        var phi1 = lat * Math.PI / 180;
        var dPhi = centreLat - phi1;
        var dLambda = centreLng - (lng * Math.PI / 180);
        var h = (Math.Sin(dPhi / 2) * Math.Sin(dPhi / 2)) + (Math.Cos(phi1) * Math.Cos(centreLat) * Math.Sin(dLambda / 2) * Math.Sin(dLambda / 2));
        return 2 * 6371.0088 * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
