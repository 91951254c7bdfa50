// geoassign plan propose NAME --accounts ACCOUNTS.csv --blocks layer:L|h3:RES --territories K | --owners OWNERS.csv [...]
using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using GeoAssign.Cli.Csv;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Grpc.Core;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class PlanProposeCommand
{
    public static Command Build(GlobalOptions global)
    {
        var name = PlanCommand.NameArgument("The new plan's name: 1 to 64 of A-Z a-z 0-9 _ - . :");
        var accounts = new Option<FileInfo>("--accounts") { Description = "Accounts with the header id,lat,lng plus, optionally, a weight column (other columns are ignored)", HelpName = "ACCOUNTS.csv", Required = true };
        var blocks = new Option<string>("--blocks") { Description = "What territories are made of: layer:L (the live territories of layer L, e.g. counties) or h3:RES (H3 cells of resolution RES over --coverage)", HelpName = "layer:L|h3:RES", Required = true };
        var coverage = new Option<string?>("--coverage") { Description = "With h3: the area to cover, a territory id (e.g. a state) or layer:L (the union of a layer's territories); default: the output layer's live territories", HelpName = "ID|layer:L" };
        var territories = new Option<int?>("--territories") { Description = "Draw this many territories (ids and owners NAME-1, NAME-2, ...; assign owners before activating)", HelpName = "K" };
        var owners = new Option<FileInfo?>("--owners") { Description = "Draw one territory per owner: a CSV with the header owner_id and optionally territory_id, capacity, home_lat, home_lng", HelpName = "OWNERS.csv" };
        var weight = new Option<string?>("--weight-column") { Description = "The accounts column holding each account's weight (a number of 0 or more); without it every account weighs 1", HelpName = "COLUMN" };
        var locks = new Option<string[]>("--lock") { Description = "A block id or proposed territory id whose blocks stay where they are today (repeat for more)", HelpName = "ID", AllowMultipleArgumentsPerToken = false };
        var maxMoved = new Option<double?>("--max-moved-share") { Description = "Largest share of accounts (0..1, or a percentage such as 10%) whose owner may change", HelpName = "P" };
        var timeLimit = new Option<string?>("--time-limit") { Description = "How long the server may search, e.g. 30s or 2m (default 30s, at most 5m)", HelpName = "S" };
        var seed = new Option<int>("--seed") { Description = "Seed of the search: the same input and seed give the same plan", HelpName = "N", DefaultValueFactory = _ => 1 };
        var outputLayer = new Option<string?>("--output-layer") { Description = "The layer the proposed territories replace in the plan (default geo)", HelpName = "LAYER" };
        var message = new Option<string?>("--message") { Description = "Why: shown with the plan", HelpName = "TEXT" };
        var splitHeavy = new Option<string?>("--split-heavy")
        {
            Description = "Divide blocks heavier than SHARE of a territory's target (default 0.5; a number or a percentage such as 50%) into H3 cells clipped to the block, "
                + "so one heavy county can be shared; off: never. Without the option the server divides only when a block outweighs a whole target",
            HelpName = "SHARE|off",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var balanceTolerance = new Option<string?>("--balance-tolerance") { Description = "Deviation from target the compactness polish may spend (0.05 or 5%, default 5%); off: no polish", HelpName = "P|off" };
        var iterationBudget = new Option<long?>("--iteration-budget") { Description = "Stop the search after N block visits: the same plan for a seed whatever the machine's speed (default 1,000 per block)", HelpName = "N" };
        var objective = new Option<string?>("--objective")
        {
            Description = "How much balance, compactness and disruption count, e.g. compactness=1 or balance=1,compactness=0.5,disruption=0 "
                + "(unnamed ones keep the default: balance 1, compactness 0.1, disruption 0.1); more compactness costs balance",
            HelpName = "NAME=W,...",
        };
        var json = new Option<bool>("--json") { Description = "Print the outcome as JSON instead of tables" };
        var skipInvalid = ReassignCommand.SkipInvalid();
        var command = new Command("propose", "Draw balanced, contiguous, compact territories from blocks and your accounts and write them as a new plan; needs an editor key")
        {
            name, accounts, blocks, coverage, territories, owners, weight, locks, maxMoved, timeLimit, seed, outputLayer, message, splitHeavy, balanceTolerance,
            iterationBudget, objective, json, skipInvalid,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, (client, settings, token) =>
        {
            var request = Request(parse.GetValue(name)!, parse.GetValue(blocks)!, parse.GetValue(coverage), parse.GetValue(territories), parse.GetValue(owners),
                parse.GetValue(locks) ?? [], parse.GetValue(maxMoved), parse.GetValue(timeLimit), parse.GetValue(seed), parse.GetValue(outputLayer), parse.GetValue(message))
                with
            {
                SplitHeavyBlocks = parse.GetResult(splitHeavy) is null ? null : SplitShare(parse.GetValue(splitHeavy)) is not 0,
                SplitShare = parse.GetResult(splitHeavy) is null ? null : SplitShare(parse.GetValue(splitHeavy)) is > 0 and var share ? share : null,
                BalanceTolerance = Tolerance(parse.GetValue(balanceTolerance)),
                SkipPolish = parse.GetValue(balanceTolerance) is "off",
                Objective = Objective(parse.GetValue(objective)),
                IterationBudget = parse.GetValue(iterationBudget) is { } budget ? budget > 0 ? budget : throw new CliInputException($"--iteration-budget {budget}: give a number of visits above 0.") : null,
            };
            return RunAsync(global.Host, client, request, parse.GetValue(accounts)!, parse.GetValue(weight), parse.GetValue(skipInvalid), parse.GetValue(json), token);
        }, error => error.StatusCode switch
        {
            StatusCode.AlreadyExists => new RejectionAdvice($"Pick another name, or delete the old plan first (`geoassign plan delete {parse.GetValue(name)}`)."),
            StatusCode.NotFound => new RejectionAdvice("`geoassign map info` lists the layers of the live map."),
            _ => null,
        }));
        return command;
    }

    internal static PlanProposalRequest Request(string name, string blocks, string? coverage, int? territories, FileInfo? owners, string[] locks,
        double? maxMoved, string? timeLimit, int seed, string? outputLayer, string? message)
    {
        if ((territories is null) == (owners is null))
        {
            throw new CliInputException("Give --territories K or --owners OWNERS.csv (one of them): how many territories to draw, or for whom.");
        }

        if (territories is < 1)
        {
            throw new CliInputException($"--territories {territories}: draw at least one territory.");
        }

        var request = new PlanProposalRequest(name)
        {
            TerritoryCount = territories,
            Owners = owners is null ? [] : ReadOwners(owners),
            Locks = locks,
            MaxMovedShare = maxMoved is > 1 and <= 100 ? maxMoved / 100 : maxMoved,
            TimeLimit = timeLimit is null ? null : DurationText.Parse("--time-limit", timeLimit),
            Seed = seed,
            OutputLayer = outputLayer,
            Message = message,
            IncludeBaseline = true,
        };
        if (blocks.StartsWith("layer:", StringComparison.Ordinal) && blocks.Length > 6)
        {
            if (coverage is not null)
            {
                throw new CliInputException("--coverage goes with --blocks h3:RES; layer blocks cover their layer.");
            }

            return request with { BlocksLayer = blocks[6..] };
        }

        if (blocks.StartsWith("h3:", StringComparison.Ordinal) && int.TryParse(blocks.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var resolution)
            && resolution is >= 1 and <= 15)
        {
            request = request with { H3Resolution = resolution };
            return coverage switch
            {
                null => request,
                _ when coverage.StartsWith("layer:", StringComparison.Ordinal) => request with { CoverageLayer = coverage[6..] },
                _ => request with { CoverageTerritoryId = coverage },
            };
        }

        throw new CliInputException($"--blocks {blocks}: write layer:LAYER (e.g. layer:county) or h3:RES with RES 1 to 15 (e.g. h3:5).");
    }

    /// <summary>
    /// The share of <c>--split-heavy</c>: null for the option alone (the server's default share), 0 for off, else the
    /// number (a percentage such as 50% or a number above 1 and at most 100 is read as percent).
    /// </summary>
    internal static double? SplitShare(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        return Share(text) is { } share && share > 0 ? share
            : throw new CliInputException($"--split-heavy {text}: give the share of a target above which blocks are divided, e.g. 0.5 or 50%, or off.");
    }

    /// <summary>The relative tolerance of <c>--balance-tolerance</c> (0.05, 5%), or null for none or off.</summary>
    internal static double? Tolerance(string? text) => text is null || text.Equals("off", StringComparison.OrdinalIgnoreCase) ? null
        : Share(text) is { } share && share >= 0 ? share
        : throw new CliInputException($"--balance-tolerance {text}: give a relative deviation such as 0.05 or 5%, or off.");

    /// <summary>
    /// Reads <c>--objective</c>: comma-separated <c>name=weight</c> pairs over balance, compactness and
    /// disruption, each named at most once; the unnamed ones keep the server's defaults (1, 0.1, 0.1),
    /// so that asking for more compactness does not silently drop the disruption term.
    /// </summary>
    internal static (double Balance, double Compactness, double Disruption)? Objective(string? text)
    {
        if (text is null)
        {
            return null;
        }

        double? balance = null, compactness = null, disruption = null;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals].Trim();
            if (equals < 0 || !double.TryParse(part.AsSpan(equals + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || !double.IsFinite(weight) || weight < 0)
            {
                throw new CliInputException($"--objective {text}: '{part}' is not NAME=WEIGHT with a weight of 0 or more (e.g. compactness=0.5).");
            }

            var key = name.ToLowerInvariant();
            var previous = key switch
            {
                "balance" => balance,
                "compactness" => compactness,
                "disruption" => disruption,
                _ => throw new CliInputException($"--objective {text}: '{name}' is not an objective; name balance, compactness or disruption."),
            };
            if (previous is not null)
            {
                throw new CliInputException($"--objective {text}: {name} is named twice.");
            }

            _ = key switch
            {
                "balance" => balance = weight,
                "compactness" => compactness = weight,
                _ => disruption = weight,
            };
        }

        var result = (balance ?? 1, compactness ?? 0.1, disruption ?? 0.1);
        return result is (0, 0, 0) ? throw new CliInputException($"--objective {text}: at least one weight must be above 0.") : result;
    }

    private static double? Share(string text)
    {
        var percent = text.EndsWith('%');
        var number = percent ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return null;
        }

        return percent || value is > 1 and <= 100 ? value / 100 : value;
    }

    internal static List<ProposalOwner> ReadOwners(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliInputException($"{file.FullName}: no such file.");
        }

        using var reader = new CsvRecordReader(file.OpenRead());
        var fields = new List<string>();
        if (!reader.ReadRecord(fields))
        {
            throw new CliInputException($"{file.Name}: the file is empty; it needs the header owner_id[,territory_id,capacity,home_lat,home_lng].");
        }

        var header = fields.Select(static f => f.Trim().ToLowerInvariant()).ToList();
        int Column(string column) => header.IndexOf(column);
        var (owner, territory, capacity, lat, lng) = (Column("owner_id"), Column("territory_id"), Column("capacity"), Column("home_lat"), Column("home_lng"));
        if (owner < 0)
        {
            throw new CliInputException($"{file.Name}: no owner_id column; the header is owner_id[,territory_id,capacity,home_lat,home_lng].");
        }

        if ((lat < 0) != (lng < 0))
        {
            throw new CliInputException($"{file.Name}: a home base needs both home_lat and home_lng columns.");
        }

        var result = new List<ProposalOwner>();
        while (reader.ReadRecord(fields))
        {
            string Field(int column) => column >= 0 && column < fields.Count ? fields[column].Trim() : "";
            double? Number(int column)
            {
                var text = Field(column);
                return text.Length == 0 ? null
                    : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value
                    : throw new CliInputException($"{file.Name}, line {reader.RecordLine}: \"{text}\" in column {header[column]} is not a number.");
            }

            if (Field(owner).Length == 0)
            {
                throw new CliInputException($"{file.Name}, line {reader.RecordLine}: owner_id is empty.");
            }

            var (homeLat, homeLng) = (Number(lat), Number(lng));
            if ((homeLat is null) != (homeLng is null))
            {
                throw new CliInputException($"{file.Name}, line {reader.RecordLine}: give both home_lat and home_lng, or neither.");
            }

            result.Add(new ProposalOwner(Field(owner), Field(territory) is { Length: > 0 } id ? id : null, Number(capacity) ?? 1, homeLat, homeLng));
        }

        return result.Count > 0 ? result : throw new CliInputException($"{file.Name}: no owners below the header.");
    }

    private static async Task<int> RunAsync(CliHost host, GeoAssignClient client, PlanProposalRequest request, FileInfo source, string? weightColumn,
        bool skipInvalid, bool json, CancellationToken token)
    {
        if (!source.Exists)
        {
            throw new CliInputException($"{source.FullName}: no such file.");
        }

        var rows = new InputRows(source.FullName, skipInvalid);
        var latest = new LatestProgress();
        var proposal = await RunWithProgressAsync(host.Error, $"Proposing {request.Name} from {source.Name}", latest, rows,
            () => client.ProposePlanAsync(request, rows.BalanceAccounts(weightColumn, null), latest, token)).ConfigureAwait(false);
        if (json)
        {
            JsonOutput.Write(host, new { input = source.FullName, proposal, skipped = rows.Stats.Skipped });
        }
        else
        {
            Print(host, proposal, source);
        }

        ResolveCsvCommand.ReportSkipped(host, rows.Stats);
        return ExitCodes.Success;
    }

    // Shows a live status line (phase, steps, best deviation) on a terminal; logs and pipes get the summary only.
    private static async Task<T> RunWithProgressAsync<T>(IAnsiConsole console, string description, LatestProgress latest, InputRows rows, Func<Task<T>> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await work().ConfigureAwait(false);
        }

        T result = default!;
        await console.Status().StartAsync(Markup.Escape(description), async context =>
        {
            var running = work();
            while (!running.IsCompleted)
            {
                var text = latest.Current is { } p
                    ? $"{description}: {p.Phase}, {TextFormat.Count(p.Iteration)} steps, largest deviation {p.MaxDeviation:P1}, {p.Elapsed.TotalSeconds:0.0} s"
                    : $"{description}: sending accounts ({TextFormat.Count(rows.Stats.Rows)} read)";
                context.Status(Markup.Escape(text));
                await Task.WhenAny(running, Task.Delay(200)).ConfigureAwait(false);
            }

            result = await running.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    private static void Print(CliHost host, PlanProposal p, FileInfo source)
    {
        host.Out.MarkupLine(Markup.Escape(
            $"Wrote plan {p.Plan.Name} (version {p.Plan.Version}, from live version {p.Plan.BaseVersion}): {p.Figures.Territories.Count} territories in layer {p.OutputLayer} "
            + $"from {TextFormat.Count(p.BlockCount)} blocks and {TextFormat.Count(p.PlacedCount)} accounts of {source.Name}; stopped: {p.StopReason} after {TextFormat.Count(p.Iterations)} steps, {p.Elapsed.TotalSeconds:0.0} s."));

        var sides = new List<(string Name, ProposalFigures Figures)> { ("proposal", p.Figures) };
        if (p.Baseline is { } baseline)
        {
            sides.Add(("k-means baseline", baseline));
        }

        if (p.Current is { } current)
        {
            sides.Add(("today", current));
        }

        var summary = new Table().Title("Figures").AddColumn("Figure");
        foreach (var (sideName, _) in sides)
        {
            summary.AddColumn(new TableColumn(Markup.Escape(sideName)).RightAligned());
        }

        summary.AddRow(["Largest deviation from target", .. sides.Select(s => s.Figures.MaxDeviation.ToString("P1", CultureInfo.InvariantCulture))]);
        summary.AddRow(["Coefficient of variation", .. sides.Select(s => s.Figures.CoefficientOfVariation.ToString("0.000", CultureInfo.InvariantCulture))]);
        summary.AddRow(["Mean distance to centre (km)", .. sides.Select(s => s.Figures.CompactnessKm.ToString("N1", CultureInfo.InvariantCulture))]);
        summary.AddRow(["Accounts moved", .. sides.Select(s => $"{TextFormat.Count(s.Figures.MovedAccounts)} ({s.Figures.MovedShare.ToString("P1", CultureInfo.InvariantCulture)})")]);
        summary.AddRow(["All contiguous", .. sides.Select(s => TextFormat.Boolean(s.Figures.AllContiguous))]);
        host.Out.Write(summary);

        var table = new Table().Title("Proposed territories").AddColumn("Territory").AddColumn("Owner")
            .AddColumn(new TableColumn("Accounts").RightAligned()).AddColumn(new TableColumn("Weight").RightAligned())
            .AddColumn(new TableColumn("Deviation").RightAligned()).AddColumn(new TableColumn("Blocks").RightAligned()).AddColumn(new TableColumn("Area km²").RightAligned());
        foreach (var t in p.Figures.Territories)
        {
            table.AddRow(Markup.Escape(t.TerritoryId), Markup.Escape(t.OwnerId), TextFormat.Count(t.AccountCount), t.Weight.ToString("N2", CultureInfo.InvariantCulture),
                t.Deviation.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture), TextFormat.Count(t.BlockCount), TextFormat.Area(t.AreaKm2));
        }

        host.Out.Write(table);
        if (p.OutsideCount > 0)
        {
            host.Out.MarkupLine(Markup.Escape($"{TextFormat.Count(p.OutsideCount)} accounts lie in no block and are not part of the proposal, e.g. {string.Join(", ", p.OutsideAccountIds.Take(5))}."));
        }

        if (p.PinnedCount > 0)
        {
            host.Out.MarkupLine(Markup.Escape($"{TextFormat.Count(p.PinnedCount)} accounts kept by protected overrides ({TextFormat.Count(p.PinnedElsewhereCount)} of them with owners outside the proposal)."));
        }

        if (p.SplitBlocks.Count > 0)
        {
            // A sales manager must see which blocks (counties) are now shared between territories.
            var shared = p.SplitBlocks.Count(static s => s.TerritoryIds.Count > 1);
            var divided = new Table().Title("Divided blocks").AddColumn("Block").AddColumn("Name").AddColumn(new TableColumn("Targets").RightAligned())
                .AddColumn(new TableColumn("Parts").RightAligned()).AddColumn(new TableColumn("H3 res").RightAligned()).AddColumn("Territories");
            foreach (var s in p.SplitBlocks)
            {
                divided.AddRow(Markup.Escape(s.BlockId), Markup.Escape(s.Name), s.Targets.ToString("0.00", CultureInfo.InvariantCulture), TextFormat.Count(s.Parts),
                    s.Resolution.ToString(CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", s.TerritoryIds)));
            }

            host.Out.Write(divided);
            host.Out.MarkupLine(Markup.Escape(
                $"{p.SplitBlocks.Count} blocks heavier than {p.SplitLimit.ToString("N2", CultureInfo.InvariantCulture)} were divided into {TextFormat.Count(p.SplitBlocks.Sum(static s => s.Parts))} sub-blocks (H3 cells clipped to the block); "
                + $"{shared} of them are shared by several territories."));
        }

        host.Out.MarkupLine(Markup.Escape($"Layer {p.OutputLayer} in the plan: {p.CreatedCount} territories created, {p.ReplacedCount} replaced, {p.DeletedCount} deleted."));
        host.Out.MarkupLine(Markup.Escape($"Next: `geoassign plan diff {p.Plan.Name}`, `geoassign plan check {p.Plan.Name}`, `geoassign plan preview {p.Plan.Name} ACCOUNTS.csv`, then `geoassign plan activate {p.Plan.Name}`."));
    }

    // Keeps the latest report; written by the call, read by the status line.
    private sealed class LatestProgress : IProgress<ProposalProgressReport>
    {
        private StrongBox<ProposalProgressReport>? _current;

        public ProposalProgressReport? Current => Volatile.Read(ref _current)?.Value;

        public void Report(ProposalProgressReport value) => Volatile.Write(ref _current, new StrongBox<ProposalProgressReport>(value));
    }
}
