// `--override-report`: memory per account override, and the time to load millions of them into a book and a map.
using System.Diagnostics;
using System.Globalization;
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
                default:
                    Console.Error.WriteLine("usage: --override-report [--counts 100000,1000000] [--map]");
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
        Console.WriteLine("| overrides | records and strings, owners parsed per row | owners shared | book (dictionary) | total per override | build, replacing: wall / CPU / allocated | build, merging into an empty book: wall / CPU / allocated |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        if (withMap)
        {
            MeasureMap(counts.Max());
        }

        Console.WriteLine();
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB; load average at the end {LoadAverage()}");
        return 0;
    }

    private static string MeasureBook(int count, string[] territoryIds)
    {
        var before = Heap();
        var shared = OverrideSets.Generate(count, territoryIds, freshStrings: false);
        var sharedBytes = Heap() - before;
        GC.KeepAlive(shared);
        shared = null;

        before = Heap();
        var overrides = OverrideSets.Generate(count, territoryIds, freshStrings: true);
        var inputBytes = Heap() - before;

        var (replaced, replacing) = Timed(() => OverrideBook.Empty.With(overrides, [], clear: true));
        var bookBytes = Heap() - before - inputBytes;
        Check(replaced, count);
        GC.KeepAlive(replaced);
        replaced = null;
        Heap();

        var (merged, merging) = Timed(() => OverrideBook.Empty.With(overrides, [], clear: false));
        var mergedBytes = Heap() - before - inputBytes;
        Check(merged, count);
        GC.KeepAlive(merged);
        GC.KeepAlive(overrides);

        Console.WriteLine($"{count:N0} overrides: records+strings {Per(inputBytes, count)} B each ({sharedBytes / (double)count:F1} B with shared owners), " +
            $"book {Per(bookBytes, count)} B each (merged: {Per(mergedBytes, count)} B); replacing {replacing}; merging {merging}");
        return $"| {count:N0} | {Per(inputBytes, count)} B | {Per(sharedBytes, count)} B | {Per(bookBytes, count)} B | {Per(inputBytes + bookBytes, count)} B " +
            $"({(inputBytes + bookBytes) / 1048576.0:N0} MiB) | {replacing} | {merging} |";
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
