// propose-bench: the redistricting engine against the k-means baseline on US counties and H3 cells over Europe.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GeoAssign.Index.Model;
using GeoAssign.LoadTest.Points;
using GeoAssign.Proposals;
using GeoAssign.Proposals.Blocks;
using GeoAssign.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace GeoAssign.LoadTest.Commands;

/// <summary>
/// <c>propose-bench</c>: builds blocks (us-atlas counties, or H3 cells of resolution 5 over Europe) with
/// the block builder, draws accounts population-weighted from the city list, and runs the proposal engine
/// beside the k-means baseline in the same process, printing balance, compactness, disruption and time as
/// Markdown. No server is involved.
/// </summary>
internal static class ProposeBenchCommand
{
    /// <summary>European countries of the H3 scenario (world-atlas names) and their ISO codes in the city list.</summary>
    private static readonly string[] EuropeNames =
    [
        "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "N. Cyprus", "Czechia", "Denmark", "Estonia", "Finland", "France", "Germany",
        "Greece", "Hungary", "Ireland", "Italy", "Latvia", "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland", "Portugal", "Romania",
        "Slovakia", "Slovenia", "Spain", "Sweden", "United Kingdom", "Norway", "Switzerland", "Iceland", "Liechtenstein", "Andorra", "Monaco",
        "San Marino", "Vatican", "Isle of Man", "Guernsey", "Jersey", "Faeroe Is.", "Åland",
    ];

    private static readonly string[] EuropeCodes =
    [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO",
        "SK", "SI", "ES", "SE", "GB", "NO", "CH", "IS", "LI", "AD", "MC", "SM", "VA", "IM", "GG", "JE", "FO", "AX",
    ];

    /// <summary>Options of every proposal run of the command (set once per invocation).</summary>
    private static ProposalOptions Weights { get; set; } = new();

    public static Command Create(LoadOptions options, LoadTestHost host)
    {
        var scenario = new Option<string>("--scenario") { Description = "counties, rebalance, europe or all", DefaultValueFactory = _ => "all" };
        var accounts = new Option<int>("--accounts") { Description = "Accounts drawn from the city list", DefaultValueFactory = _ => 200_000 };
        var timeLimit = new Option<double>("--time-limit") { Description = "Seconds per proposal run", DefaultValueFactory = _ => 60 };
        var maxMoved = new Option<double>("--max-moved-share") { Description = "Cap of the rebalancing run", DefaultValueFactory = _ => 0.10 };
        var compactness = new Option<double>("--compactness-weight") { Description = "Weight of compactness in the proposal objective", DefaultValueFactory = _ => new ProposalOptions().CompactnessWeight };
        var split = new Option<double>("--split-heavy") { Description = "Counties: also run with blocks heavier than this share of the target divided into H3 cells (0: no such run)", DefaultValueFactory = _ => BlockSplitOptions.DefaultShare };
        var command = new Command("propose-bench", "Redistricting proposals against the k-means baseline: US counties (50 territories, from scratch and rebalancing) and H3 res 5 over Europe (100 territories). Prints Markdown.")
        {
            scenario, accounts, timeLimit, maxMoved, compactness, split,
        };
        command.SetAction((parse, token) => LoadTestCli.GuardAsync(host, token, () =>
        {
            var which = parse.GetValue(scenario)!;
            var count = parse.GetValue(accounts);
            var seed = parse.GetValue(options.Seed);
            var limit = TimeSpan.FromSeconds(parse.GetValue(timeLimit));
            var cities = parse.GetValue(options.CitiesFile)!;
            var output = host.Out.Profile.Out.Writer;
            Weights = new ProposalOptions(Seed: seed, TimeLimit: limit, CompactnessWeight: parse.GetValue(compactness)) { IterationBudget = long.MaxValue };
            output.WriteLine(FormattableString.Invariant($"propose-bench: {count:N0} accounts (seed {seed}), time limit {limit.TotalSeconds:0} s, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
            if (which is "counties" or "rebalance" or "all")
            {
                Counties(output, cities, count, seed, limit, parse.GetValue(maxMoved), which != "counties", which != "rebalance", parse.GetValue(split), token);
            }

            if (which is "europe" or "all")
            {
                Europe(output, cities, count, seed, limit, token);
            }

            return Task.FromResult(LoadTestCli.Ok);
        }));
        return command;
    }

    private static void Counties(TextWriter output, string cities, int count, int seed, TimeSpan limit, double maxMoved, bool rebalance, bool scratch, double splitShare,
        CancellationToken token)
    {
        var watch = Stopwatch.StartNew();
        var blocks = LayerBlocks.Build(TestDatasets.UsCountiesFull()).Blocks;
        var build = watch.Elapsed;
        var (problemAccounts, outside) = Accounts(blocks, new CityPoints(cities, ["US"]), count, seed);
        var territories = Territories(50);
        var problem = ProposalProblem.Create(blocks.ToProposalBlocks(), territories, problemAccounts);
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant(
            $"## US counties, 50 territories: {blocks.Count:N0} blocks (built in {build.TotalSeconds:0.0} s), {problemAccounts.Count:N0} accounts placed ({outside:N0} outside every county)"));
        output.WriteLine();
        Header(output);
        var baseline = KMeansBaseline.Propose(problem, seed, token);
        Row(output, "k-means baseline", problem, baseline);
        ProposalResult? fromScratch = null;
        if (scratch || rebalance)
        {
            fromScratch = ProposalEngine.Propose(problem, Weights, cancellationToken: token);
            Row(output, "proposal from scratch", problem, fromScratch);
        }

        if (scratch && splitShare > 0)
        {
            Divided(output, blocks, cities, count, seed, territories, splitShare, token);
        }

        if (!rebalance)
        {
            return;
        }

        // The live map: the k-means baseline (the map a planner drawing by distance would have); every
        // account's current territory is its block's.
        var live = baseline.BlockTerritory;
        var liveBlocks = blocks.ToProposalBlocks(live);
        var liveAccounts = problemAccounts.Select(a => a with { CurrentTerritory = live[a.Block] }).ToList();
        var liveProblem = ProposalProblem.Create(liveBlocks, territories, liveAccounts);
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant($"### Rebalancing the k-means map as the live map, at most {maxMoved:P0} of accounts moved"));
        output.WriteLine();
        Header(output);
        Row(output, "live map (k-means)", liveProblem, new ProposalResult(live, ProposalFigures.Compute(liveProblem, live), ProposalStopReason.Converged, 0, TimeSpan.Zero));
        var rebalanced = ProposalEngine.Propose(liveProblem, Weights with { MaxMovedShare = maxMoved }, cancellationToken: token);
        Row(output, FormattableString.Invariant($"rebalanced, cap {maxMoved:P0}"), liveProblem, rebalanced);
        Row(output, "from scratch (vs live)", liveProblem, new ProposalResult(fromScratch!.BlockTerritory, ProposalFigures.Compute(liveProblem, fromScratch.BlockTerritory), fromScratch.StopReason, fromScratch.Iterations, fromScratch.Elapsed));
    }

    // The same counties and accounts with the counties heavier than the share of the target divided into H3 cells.
    private static void Divided(TextWriter output, BlockSet blocks, string cities, int count, int seed, List<ProposalTerritory> territories, double share,
        CancellationToken token)
    {
        var points = new CityPoints(cities, ["US"]).Generate(count, seed).Select(p => new AccountPoint(p.Lat, p.Lng, 1)).ToList();
        var watch = Stopwatch.StartNew();
        var placed = AccountPlacement.Place(blocks, points);
        var target = placed.BlockWeight.Sum() / territories.Count;
        var split = BlockSplit.Split(blocks, points, target, new BlockSplitOptions(share));
        var elapsed = watch.Elapsed;
        var problemAccounts = new List<ProposalAccount>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            if (split.Placement.BlockOf[i] >= 0)
            {
                problemAccounts.Add(new ProposalAccount(split.Placement.BlockOf[i], points[i].Lat, points[i].Lng, 1));
            }
        }

        var problem = ProposalProblem.Create(split.Blocks.ToProposalBlocks(), territories, problemAccounts);
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant(
            $"### Counties heavier than {share:0.##} target divided into H3 cells: {split.Split.Length} counties into {split.Split.Sum(static s => s.Parts):N0} sub-blocks, {split.Blocks.Count:N0} blocks (divided in {elapsed.TotalSeconds:0.0} s)"));
        output.WriteLine();
        Header(output);
        Row(output, "k-means baseline, divided blocks", problem, KMeansBaseline.Propose(problem, seed, token));
        var result = ProposalEngine.Propose(problem, Weights, cancellationToken: token);
        Row(output, "proposal from scratch, divided blocks", problem, result);

        // Which counties were divided, and how many territories share each.
        output.WriteLine();
        output.WriteLine("| divided county | weight (targets) | parts | resolution | heaviest part (targets) | territories sharing it |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var s in split.Split.OrderByDescending(static s => s.Weight))
        {
            var sharing = Enumerable.Range(s.FirstPart, s.Parts).Select(i => result.BlockTerritory[i]).Distinct().Count();
            output.WriteLine(FormattableString.Invariant($"| {s.Id} | {s.Weight / target:0.00} | {s.Parts:N0} | {s.Resolution} | {s.HeaviestPart / target:0.00} | {sharing} |"));
        }

        output.Flush();
    }

    private static void Europe(TextWriter output, string cities, int count, int seed, TimeSpan limit, CancellationToken token)
    {
        var watch = Stopwatch.StartNew();
        var wanted = new HashSet<string>(EuropeNames, StringComparer.Ordinal);
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        var clip = factory.ToGeometry(new Envelope(-25, 35, 34, 72));
        var parts = new List<Geometry>();
        foreach (var country in TestDatasets.WorldCountries())
        {
            if (wanted.Contains(country.Name) || wanted.Contains(country.Id))
            {
                parts.Add(country.Geometry.Intersection(clip));
            }
        }

        var coverage = UnaryUnionOp.Union(parts);
        var blocks = H3Blocks.Cover(coverage, 5);
        var build = watch.Elapsed;
        var (problemAccounts, outside) = Accounts(blocks, new CityPoints(cities, EuropeCodes), count, seed);
        var problem = ProposalProblem.Create(blocks.ToProposalBlocks(), Territories(100), problemAccounts);
        output.WriteLine();
        output.WriteLine(FormattableString.Invariant(
            $"## H3 resolution 5 over Europe ({parts.Count} countries, 25°W–35°E, 34–72°N), 100 territories: {blocks.Count:N0} cells (built in {build.TotalSeconds:0.0} s), {problemAccounts.Count:N0} accounts placed ({outside:N0} outside every cell)"));
        output.WriteLine();
        Header(output);
        Row(output, "k-means baseline", problem, KMeansBaseline.Propose(problem, seed, token));
        Row(output, "proposal from scratch", problem, ProposalEngine.Propose(problem, Weights, cancellationToken: token));
    }

    private static (List<ProposalAccount> Accounts, int Outside) Accounts(BlockSet blocks, CityPoints source, int count, int seed)
    {
        var points = source.Generate(count, seed);
        var placed = AccountPlacement.Place(blocks, points.Select(p => new AccountPoint(p.Lat, p.Lng, 1)).ToList());
        var accounts = new List<ProposalAccount>(points.Length);
        for (var i = 0; i < points.Length; i++)
        {
            if (placed.BlockOf[i] >= 0)
            {
                accounts.Add(new ProposalAccount(placed.BlockOf[i], points[i].Lat, points[i].Lng, 1));
            }
        }

        return (accounts, placed.Outside.Length);
    }

    private static List<ProposalTerritory> Territories(int count) =>
        Enumerable.Range(0, count).Select(t => new ProposalTerritory($"t{t + 1:000}", $"rep-{t + 1:000}")).ToList();

    private static void Header(TextWriter output)
    {
        output.WriteLine("| run | max deviation (bound) | max deviation, territories without an over-target block | within 5 % | CV | contiguous | compactness km | moved | time s | stop | iterations |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
    }

    private static void Row(TextWriter output, string name, ProposalProblem problem, ProposalResult result)
    {
        var f = result.Figures;
        var contiguous = f.Territories.Count(t => t.Contiguous);
        var virtualEdges = f.Territories.Count(t => t.ReliesOnVirtualEdge);

        // Territories holding a block heavier than their target cannot be balanced; the rest can.
        var forced = new bool[f.Territories.Count];
        var blockWeight = new double[result.BlockTerritory.Count];
        foreach (var account in problem.Accounts)
        {
            blockWeight[account.Block] += account.Weight;
        }

        for (var b = 0; b < blockWeight.Length; b++)
        {
            var t = result.BlockTerritory[b];
            forced[t] |= blockWeight[b] > f.Territories[t].Target;
        }

        var free = f.Territories.Where(t => !forced[t.Index]).Select(t => Math.Abs(t.Deviation)).DefaultIfEmpty(0).Max();
        output.WriteLine(FormattableString.Invariant(
            $"| {name} | {f.MaxDeviation:P1} ({f.MaxDeviationLowerBound:P1}) | {free:P1} ({forced.Count(x => x)} with one) | {f.Territories.Count(t => Math.Abs(t.Deviation) <= 0.05)}/{f.Territories.Count} | {f.CoefficientOfVariation:P1} | {contiguous}/{f.Territories.Count} ({virtualEdges} via virtual edges) | {f.CompactnessKm:0.0} | {f.MovedShare:P1} | {result.Elapsed.TotalSeconds:0.0} | {result.StopReason} | {result.Iterations:N0} |"));
        output.Flush();
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
