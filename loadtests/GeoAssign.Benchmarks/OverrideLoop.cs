// `--override-loop`: OverrideBenchmarks' methods one after the other, for instruction and cache-miss counts under callgrind.
using System.Globalization;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Sets up <see cref="OverrideBenchmarks"/> (US counties, 1,000,000 overrides), warms every method up,
/// then runs each method's passes once the file <c>GO.N</c> exists (N = 1 … 5: lookup alone, account in
/// force, account without, in force spread, without spread), printing <c>ready N</c> before and
/// <c>done N</c> after. Between them a script zeroes and dumps callgrind's counters
/// (<c>callgrind_control -z</c> / <c>-d</c>), so each dump counts one method's passes and nothing of
/// the setup: instruction and simulated cache-miss counts that do not depend on the machine's load.
/// </summary>
/// <remarks>The recipe is in the benchmarks' README (<c>--override-loop</c>).</remarks>
internal static class OverrideLoop
{
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Count < 4 || !Enum.TryParse<PointMix>(args[0], out var mix) || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var passes) || args[2] != "--go")
        {
            Console.Error.WriteLine("usage: --override-loop Uniform|NearBorder PASSES --go FILE");
            return 2;
        }

        var bench = new OverrideBenchmarks { Points = mix };
        bench.Setup();
        Func<int>[] methods = [bench.Lookup, bench.AccountInForce, bench.AccountWithout, bench.AccountInForceSpread, bench.AccountWithoutSpread];
        var sink = 0L;
        foreach (var method in methods)
        {
            sink += method() + method();
        }

        for (var m = 0; m < methods.Length; m++)
        {
            var go = $"{args[3]}.{m + 1}";
            Console.WriteLine($"ready {m + 1} {Environment.ProcessId}");
            while (!File.Exists(go))
            {
                Thread.Sleep(20);
            }

            for (var pass = 0; pass < passes; pass++)
            {
                sink += methods[m]();
            }

            Console.WriteLine($"done {m + 1}");
        }

        Console.WriteLine($"sink {sink}");
        return 0;
    }
}
