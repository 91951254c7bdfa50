// `--activation-report`: where the time of a plan's life goes on one replica, step by step, on the US counties.
using System.Diagnostics;
using System.Globalization;
using GeoAssign.Index;
using GeoAssign.Index.Analysis;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using GeoAssign.Replication;
using GeoAssign.Testing;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Runs what a replica does for a plan of the activate scenario (geoassign-load), in-process and
/// single-threaded, with a stopwatch per step: the plan copied from the live map (its index built),
/// one edit with 10 % of the counties changed (<see cref="RedistrictingPlans"/>, as the scenario
/// does), the diff, the activation planned (territory diff and the two overlap checks), validated,
/// encoded for the store and decoded as another replica does, and applied to the live index. So the
/// end-to-end times of the scenario can be split into their parts. Each round changes the live map
/// and the next one redistricts that (a new seed); the plan is deleted after each activation.
/// </summary>
/// <remarks>
/// <code>dotnet run -c Release --project loadtests/GeoAssign.Benchmarks -- --activation-report [--rounds 7] [--reassign 263] [--border-moves 30]</code>
/// The first round pays for the JIT and is left out of the summary.
/// </remarks>
internal static class ActivationReport
{
    private const string PlanName = "report";

    public static int Run(IReadOnlyList<string> args)
    {
        var rounds = 7;
        var reassign = 263;
        var borderMoves = 30;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--rounds": rounds = Math.Max(2, value); break;
                case "--reassign": reassign = value; break;
                case "--border-moves": borderMoves = value; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; use --rounds N, --reassign N, --border-moves N");
                    return 1;
            }
        }

        var counties = IndexDataset.UsCounties.Territories;
        var writer = new BranchedMapWriter();
        var state = writer.Apply(new MapChange(1, counties, []) { Info = Info("import") }, validate: false);
        Console.WriteLine(FormattableString.Invariant(
            $"US counties: {counties.Count:N0} territories; {rounds} rounds of {reassign} other owners and {borderMoves} moved borders; load average {LoadAverage()}"));
        var steps = new SortedDictionary<int, (string Name, List<double> Ms)>();
        void Time(int order, string name, Action action)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!steps.TryGetValue(order, out var step))
            {
                steps[order] = step = (name, []);
            }

            step.Ms.Add(ms);
        }

        long encodedBytes = 0;
        for (var round = 0; round < rounds; round++)
        {
            var live = state.Live.Territories.Values.Select(t => t.Territory).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
            var plan = RedistrictingPlans.Redistrict(live, reassign, borderMoves, seed: 100 + round);
            var edit = plan.Plan.Where(t => plan.ChangedIds.Contains(t.Id)).ToList();

            Time(0, "CreatePlan applied: the live map copied and indexed", () =>
                state = writer.Apply(new MapChange(state.NextVersion, [], []) { Operation = PlanOperation.CreateFromLive(state.Live.Version) }
                    .For(PlanName, Info("create")), validate: false));
            var planEdit = new MapChange(state.NextVersion, edit, []).For(PlanName, Info("edit"));
            Time(1, $"plan edit of {edit.Count} territories validated", () => writer.Validate(planEdit).ThrowIfInvalid());
            Time(2, $"plan edit of {edit.Count} territories applied", () => state = writer.Apply(planEdit, validate: false));
            Time(3, "MapDiff.Compare (DiffPlan's computation)", () => MapDiff.Compare(state.Live, state.Plans[PlanName].Map));
            Time(4, "CoverageCheck of the live layer (one of the activation's two overlap checks)", () => CoverageCheck.CheckLayer(state.Live, Territory.DefaultLayer));
            ActivationPlan? activation = null;
            Time(5, "PlanActivation.Plan (territory diff and both overlap checks)", () =>
                activation = PlanActivation.Plan(state, state.Plans[PlanName], rebase: false, allowNewOverlaps: true, Info("activate")));
            var change = activation!.Change!;
            Time(6, "the activation change validated", () => writer.Validate(change).ThrowIfInvalid());
            byte[] payload = [];
            Time(7, "the change with what it replaces, encoded for the store", () => payload = TerritoryCodec.EncodeChange(change.WithReplacedFrom(state.Live)));
            encodedBytes = payload.Length;
            Time(8, "the change decoded (each other replica)", () => TerritoryCodec.DecodeChange(payload));
            Time(9, "the activation applied to the live index (each replica)", () => state = writer.Apply(change.WithReplacedFrom(state.Live), validate: false));
            state = writer.Apply(new MapChange(state.NextVersion, [], []) { Plan = PlanName, Operation = PlanOperation.Delete, Info = Info("delete") }, validate: false);
            Console.WriteLine(FormattableString.Invariant(
                $"round {round}: {string.Join(", ", steps.Values.Select(s => $"{s.Ms[^1]:0}"))} ms; {activation.NewOverlaps.Length} new overlaps"));
        }

        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"Median and max of rounds 2–{rounds} (the first pays for the JIT); load average at the end {LoadAverage()}:"));
        Console.WriteLine();
        Console.WriteLine("| step | median ms | max ms |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var (name, ms) in steps.Values)
        {
            var measured = ms.Skip(1).Order().ToList();
            Console.WriteLine(FormattableString.Invariant($"| {name} | {measured[measured.Count / 2]:0} | {measured[^1]:0} |"));
        }

        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"The activation change with what it replaces: {encodedBytes / 1024.0 / 1024.0:0.0} MiB encoded."));
        return 0;
    }

    private static ChangeInfo Info(string message) => new(DateTimeOffset.UtcNow, "activation-report", message);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
