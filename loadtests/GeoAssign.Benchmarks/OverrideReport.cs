// `--override-report`: memory per account override, and the time to load millions of them into a book and a map.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using GeoAssign.Index;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Model;

namespace GeoAssign.Benchmarks;

/// <summary>
/// For each count of overrides (<see cref="OverrideSets"/>): the GC heap the overrides themselves take
/// (records and strings, with every owner parsed into its own string as an import does, and with owners
/// shared), what an <see cref="OverrideBook"/> of them adds, and the time and allocation of building it
/// by replacing (a replacing import) and by merging into an empty book. With <c>--map</c>, also the
/// largest count applied to the US counties map through <see cref="TerritoryMapWriter"/>: in one
/// change, and in parts of at most 5,000,000 (the server's GeoAssign:MaxOverridesPerImport). Each
/// step runs once, cold; the heap figures come from <see cref="GC.GetTotalMemory(bool)"/> after a full
/// collection, so they do not depend on the machine's load, the times do.
/// </summary>
/// <remarks>
/// <code>dotnet run -c Release --project loadtests/GeoAssign.Benchmarks -- --override-report [--counts 1000000,10000000] [--map]</code>
/// </remarks>
internal static class OverrideReport
{
    private const int ImportPart = 5_000_000;

    public static int Run(IReadOnlyList<string> args)
    {
        int[] counts = [100_000, 1_000_000];
        var withMap = false;
        var lookupPasses = 0;
        var pending = 0;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--counts" when i + 1 < args.Count:
                    counts = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
                    break;
                case "--map":
                    withMap = true;
                    break;
                case "--lookup-passes" when i + 1 < args.Count:
                    lookupPasses = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--pending" when i + 1 < args.Count:
                    pending = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine("usage: --override-report [--counts 100000,1000000] [--map] [--lookup-passes 200 [--pending 10000]]");
                    return 2;
            }
        }

        Console.WriteLine($"GC: server={System.Runtime.GCSettings.IsServerGC}, {Environment.ProcessorCount} processors, load average {LoadAverage()}");
        string[] territoryIds = [.. Enumerable.Range(0, 3_230).Select(i => $"{i * 7 % 56_000:D5}")];
        var rows = new List<string>();
        foreach (var count in counts)
        {
            rows.Add(MeasureBook(count, territoryIds));
        }

        Console.WriteLine();
        Console.WriteLine("| overrides | records and strings, owners parsed per row | owners shared | book (table and filters) | total per override | build, replacing: wall / CPU / allocated | build, merging into an empty book: wall / CPU / allocated |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        if (withMap)
        {
            MeasureMap(counts.Max());
        }

        if (lookupPasses > 0)
        {
            MeasureLookups(lookupPasses, pending);
        }

        Console.WriteLine();
        if (File.Exists("/proc/self/smaps_rollup"))
        {
            Console.WriteLine(File.ReadLines("/proc/self/smaps_rollup").FirstOrDefault(l => l.StartsWith("AnonHugePages", StringComparison.Ordinal)) ?? "AnonHugePages: unknown");
        }

        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB; load average at the end {LoadAverage()}");
        return 0;
    }

    private static string MeasureBook(int count, string[] territoryIds)
    {
        var sharedBytes = SharedOwnerBytes(count, territoryIds);
        var before = Heap();
        var overrides = OverrideSets.Generate(count, territoryIds, freshStrings: true);
        var inputBytes = Heap() - before;
        var (bookBytes, replacing) = BookBytes(overrides, clear: true);
        var (mergedBytes, merging) = BookBytes(overrides, clear: false);
        GC.KeepAlive(overrides);

        Console.WriteLine($"{count:N0} overrides: records+strings {Per(inputBytes, count)} B each ({Per(sharedBytes, count)} B with shared owners), " +
            $"book {Per(bookBytes, count)} B each (merged: {Per(mergedBytes, count)} B); replacing {replacing}; merging {merging}");
        return $"| {count:N0} | {Per(inputBytes, count)} B | {Per(sharedBytes, count)} B | {Per(bookBytes, count)} B | {Per(inputBytes + bookBytes, count)} B " +
            $"({(inputBytes + bookBytes) / 1048576.0:N0} MiB) | {replacing} | {merging} |";
    }

    // The heap the overrides take when owners, territories and reasons come from shared pools.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long SharedOwnerBytes(int count, string[] territoryIds)
    {
        var before = Heap();
        var shared = OverrideSets.Generate(count, territoryIds, freshStrings: false);
        var bytes = Heap() - before;
        GC.KeepAlive(shared);
        return bytes;
    }

    // The heap a book of the overrides adds, and the time to build it: replacing, or merging into an empty book.
    // Its own frame, so that no hidden local keeps one book alive while the next is measured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Bytes, string Timing) BookBytes(AccountOverride[] overrides, bool clear)
    {
        var before = Heap();
        var (book, timing) = Timed(() => OverrideBook.Empty.With(overrides, [], clear));
        var bytes = Heap() - before;
        Check(book, overrides.Length);
        GC.KeepAlive(book);
        return (bytes, timing);
    }

    // The overrides applied to the US counties map as one change, then again (a fresh writer) in import-sized parts.
    private static void MeasureMap(int count)
    {
        var territories = IndexDataset.UsCounties.Territories;
        string[] territoryIds = [.. territories.Select(t => t.Id)];
        var overrides = OverrideSets.Generate(count, territoryIds, freshStrings: true);
        Console.WriteLine();
        Console.WriteLine($"US counties map ({territories.Count:N0} territories) with {count:N0} overrides, through TerritoryMapWriter:");
        Console.WriteLine("| change | wall / CPU / allocated | GC heap after | book |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var partSize in new[] { count, Math.Min(count, ImportPart) })
        {
            var writer = new TerritoryMapWriter();
            writer.Apply(new MapChange(1, territories, []));
            var version = 1L;
            for (var start = 0; start < count; start += partSize)
            {
                var part = overrides[start..Math.Min(count, start + partSize)];
                version++;
                var change = new MapChange(version, [], []) { OverrideUpserts = part };
                var (map, timing) = Timed(() => writer.Apply(change));
                Console.WriteLine($"| v{version}: {part.Length:N0} overrides merged{(partSize < count ? $" (part {start / partSize + 1})" : "")} | {timing} | {Heap() / 1048576.0:N0} MiB | {map.Overrides.Count:N0} |");
            }

            var live = writer.Current;
            Check(live.Overrides, count);
            if (!live.TryResolve(Territory.DefaultLayer, 38.9, -77.03, out var answer) || answer.Territory is null)
            {
                throw new InvalidOperationException("The map with overrides no longer resolves Washington, DC.");
            }
        }

        GC.KeepAlive(overrides);
    }

    // OverrideBenchmarks' methods timed in interleaved passes, so that load on a shared machine hits all
    // of them alike: the median of the per-pass ratios to the lookup alone is steadier than separate runs.
    private static void MeasureLookups(int passes, int pending)
    {
        Console.WriteLine();
        Console.WriteLine($"Lookups on the US counties with {OverrideBenchmarks.OverrideCount:N0} overrides ({pending:N0} of them pending beside the base), {passes} interleaved passes of {IndexBenchmarks.PointCount:N0} points (median ns per lookup; median of per-pass ratios):");
        Console.WriteLine("| points | lookup alone | account in force | account without | in force, spread | without, spread |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var mix in Enum.GetValues<PointMix>())
        {
            var bench = new OverrideBenchmarks { Points = mix, PendingChanges = pending };
            bench.Setup();
            Func<int>[] methods = [bench.Lookup, bench.AccountInForce, bench.AccountWithout, bench.AccountInForceSpread, bench.AccountWithoutSpread];
            var times = methods.Select(_ => new double[passes]).ToArray();
            var sink = 0L;
            for (var pass = -3; pass < passes; pass++)
            {
                for (var m = 0; m < methods.Length; m++)
                {
                    var start = Stopwatch.GetTimestamp();
                    sink += methods[m]();
                    var ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / IndexBenchmarks.PointCount;
                    if (pass >= 0)
                    {
                        times[m][pass] = ns;
                    }
                }
            }

            var cells = new List<string> { $"{Median(times[0]):F0} ns" };
            for (var m = 1; m < methods.Length; m++)
            {
                var ratios = Enumerable.Range(0, passes).Select(p => times[m][p] / times[0][p]).ToArray();
                cells.Add($"{Median(times[m]):F0} ns ({Median(ratios):F2}×)");
            }

            Console.WriteLine($"| {mix} | {string.Join(" | ", cells)} |");
            GC.KeepAlive(sink);
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static (T Result, string Timing) Timed<T>(Func<T> build)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var result = build();
        var wall = stopwatch.Elapsed;
        process.Refresh();
        var used = process.TotalProcessorTime - cpu;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return (result, $"{wall.TotalSeconds:F2} s / {used.TotalSeconds:F2} s / {bytes / 1048576.0:N0} MiB");
    }

    // Every sampled override is there with its own fields.
    private static void Check(OverrideBook book, int count)
    {
        if (book.Count != count)
        {
            throw new InvalidOperationException($"The book holds {book.Count:N0} overrides, not {count:N0}.");
        }

        for (var n = 0; n < count; n += Math.Max(1, count / 1000))
        {
            var id = OverrideSets.AccountId(n);
            if (!book.TryGet(OverrideSets.Copy(id), out var entry) || entry.AccountId != id)
            {
                throw new InvalidOperationException($"The book has no override of {id}.");
            }
        }
    }

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Per(long bytes, int count) => (bytes / (double)count).ToString("F1", CultureInfo.InvariantCulture);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
