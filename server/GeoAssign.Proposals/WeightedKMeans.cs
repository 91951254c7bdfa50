// Weighted k-means on the sphere (points as unit vectors): seeds for the engine and the baseline itself.
namespace GeoAssign.Proposals;

/// <summary>
/// Lloyd's k-means with k-means++ seeding on weighted unit vectors; nearness is the chord (equivalently the
/// great-circle) distance. Deterministic for a <see cref="Random"/> state. Not thread-safe (one call, one caller).
/// </summary>
internal static class WeightedKMeans
{
    /// <summary>Centres as unit vectors, k × 3 (x, y, z); returns the Lloyd rounds made.</summary>
    internal static int Run(double[] x, double[] y, double[] z, double[] weight, int k, Random random, int maxRounds, double[] centres, CancellationToken cancellationToken)
    {
        var n = x.Length;
        var nearest = new int[n];
        var distance = new double[n];
        Array.Fill(distance, double.PositiveInfinity);
        double total = 0;
        for (var i = 0; i < n; i++)
        {
            total += weight[i];
        }

        // k-means++: each next centre drawn with probability weight × squared distance to the nearest chosen one.
        for (var c = 0; c < k; c++)
        {
            int chosen;
            if (c == 0)
            {
                chosen = Draw(weight, null, total, random);
            }
            else
            {
                double sum = 0;
                for (var i = 0; i < n; i++)
                {
                    sum += weight[i] * distance[i];
                }

                chosen = Draw(weight, distance, sum, random);
            }

            centres[3 * c] = x[chosen];
            centres[(3 * c) + 1] = y[chosen];
            centres[(3 * c) + 2] = z[chosen];
            for (var i = 0; i < n; i++)
            {
                var d = Chord2(x[i], y[i], z[i], centres, c);
                if (d < distance[i])
                {
                    distance[i] = d;
                }
            }
        }

        var sums = new double[3 * k];
        var rounds = 0;
        for (; rounds < maxRounds; rounds++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var changed = false;
            Array.Clear(sums);
            for (var i = 0; i < n; i++)
            {
                var best = 0;
                var bestDot = double.NegativeInfinity;
                for (var c = 0; c < k; c++)
                {
                    var dot = (x[i] * centres[3 * c]) + (y[i] * centres[(3 * c) + 1]) + (z[i] * centres[(3 * c) + 2]);
                    if (dot > bestDot)
                    {
                        bestDot = dot;
                        best = c;
                    }
                }

                if (rounds == 0 || nearest[i] != best)
                {
                    changed = true;
                    nearest[i] = best;
                }

                sums[3 * best] += weight[i] * x[i];
                sums[(3 * best) + 1] += weight[i] * y[i];
                sums[(3 * best) + 2] += weight[i] * z[i];
            }

            if (!changed)
            {
                break;
            }

            for (var c = 0; c < k; c++)
            {
                double cx = sums[3 * c], cy = sums[(3 * c) + 1], cz = sums[(3 * c) + 2];
                if (Sphere.TryNormalise(ref cx, ref cy, ref cz))
                {
                    centres[3 * c] = cx;
                    centres[(3 * c) + 1] = cy;
                    centres[(3 * c) + 2] = cz;
                }
            }
        }

        return rounds;
    }

    private static int Draw(double[] weight, double[]? distance, double total, Random random)
    {
        if (!(total > 0))
        {
            return random.Next(weight.Length);
        }

        var target = random.NextDouble() * total;
        double sum = 0;
        var last = 0;
        for (var i = 0; i < weight.Length; i++)
        {
            var w = distance is null ? weight[i] : weight[i] * distance[i];
            if (w <= 0)
            {
                continue;
            }

            last = i;
            sum += w;
            if (sum > target)
            {
                return i;
            }
        }

        return last;
    }

    private static double Chord2(double x, double y, double z, double[] centres, int c)
    {
        var dx = x - centres[3 * c];
        var dy = y - centres[(3 * c) + 1];
        var dz = z - centres[(3 * c) + 2];
        return (dx * dx) + (dy * dy) + (dz * dz);
    }
}
