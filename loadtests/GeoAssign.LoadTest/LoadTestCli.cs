// The geoassign-load command line: one command per scenario plus the setup commands.
using System.CommandLine;
using System.Globalization;
using GeoAssign.LoadTest.Commands;
using GeoAssign.LoadTest.Scenarios;
using GeoAssign.LoadTest.Scheduling;
using Grpc.Core;
using Spectre.Console;

namespace GeoAssign.LoadTest;

/// <summary>Builds the command tree and runs one command line. Exit codes: 0 done, 1 usage or input error, 3 no request succeeded or the server failed a setup call, 130 interrupted.</summary>
internal static class LoadTestCli
{
    public const int Ok = 0;
    public const int InputError = 1;
    public const int ServerError = 3;
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(string[] args, LoadTestHost host, CancellationToken cancellationToken = default)
    {
        var root = Build(host);
        var configuration = new InvocationConfiguration
        {
            Output = host.Out.Profile.Out.Writer,
            Error = host.ErrorWriter,
        };
        return await root.Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    internal static RootCommand Build(LoadTestHost host)
    {
        var options = new LoadOptions();
        var root = new RootCommand("""
            geoassign-load: load tests for GeoAssign servers, in the spirit of ghz and wrk2.

            Closed loop (--concurrency N callers back to back) or open loop (--rate R requests a second,
            latency measured from the intended send time so that stalls are not hidden). Latencies are
            recorded in HdrHistograms (µs) and reported as p50/p90/p99/p99.9/max with throughput and errors
            by gRPC status; --json and --markdown save them.
            """);
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        foreach (var name in Scenario.Names)
        {
            var command = new Command(name, ScenarioDescription(name));
            command.SetAction((parse, token) => RunScenarioAsync(name, options, parse, host, token));
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(SetupCommands.Import(options, host));
        root.Subcommands.Add(SetupCommands.Points(options, host));
        root.Subcommands.Add(SetupCommands.Answers(options, host));
        root.Subcommands.Add(SetupCommands.ExportTerritories(options, host));
        root.Subcommands.Add(ProposeBenchCommand.Create(options, host));
        root.Subcommands.Add(MapPageCommands.SyntheticMap(host));
        root.Subcommands.Add(MapPageCommands.MapPage(host));
        return root;
    }

    private static string ScenarioDescription(string name) => name switch
    {
        "resolve" => "Unary Resolve, one point per call.",
        "batch" => "ResolveBatch, --batch-size points per call (default 1,000).",
        "stream" => "ResolveStream: --concurrency streams of --batch-size-point chunks (default 10,000), --stream-window chunks in flight each; reports points/s and per-chunk latency. Closed loop only.",
        "reassign" => "Reassign: one call per request with --batch-size accounts (default 1,000).",
        "echo" => "DiagnosticsService.Echo with messages as large as Resolve's: the cost of a call without the lookup.",
        "echo-stream" => "DiagnosticsService.EchoStream with messages as large as the stream scenario's. Closed loop only.",
        "mixed" => "Unary Resolve while --edit-rate edits a second move a territory's border back and forth.",
        "converge" => "Edit through one --target at a time and time acknowledgement → every target serving the new version (WatchMap); --redis adds the raw Redis pub/sub round trip.",
        "activate" => "Plans that change --change-share of the layer (owners and --border-moves moved borders), activated through one --target at a time: times acknowledgement → every target serving the new live version (WatchMap), and creating, editing and diffing each plan. Runs --activations times after --warmup-activations.",
        "history" => "Unary Resolve on a past version (version and as_of) beside the live map, alternately; and the first lookup on --first-lookups past versions (one index build each).",
        _ => name,
    };

    private static async Task<int> RunScenarioAsync(string name, LoadOptions options, ParseResult parse, LoadTestHost host, CancellationToken cancellationToken)
    {
        return await GuardAsync(host, cancellationToken, async () =>
        {
            var settings = options.ToSettings(name, parse);
            var result = await LoadRunner.RunAsync(settings, host, cancellationToken).ConfigureAwait(false);
            if (result.Requests == 0)
            {
                host.Error.MarkupLine("[red]No request succeeded.[/]");
                return ServerError;
            }

            return Ok;
        }).ConfigureAwait(false);
    }

    /// <summary>Runs a command body and turns failures into a message and an exit code.</summary>
    internal static async Task<int> GuardAsync(LoadTestHost host, CancellationToken cancellationToken, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            host.Error.WriteLine("Interrupted.");
            return Interrupted;
        }
        catch (Exception e) when (e is LoadTestInputException or FormatException or FileNotFoundException or DirectoryNotFoundException)
        {
            host.Error.WriteLine($"error: {e.Message}");
            return InputError;
        }
        catch (RpcException e)
        {
            host.Error.WriteLine($"error: the server answered {e.StatusCode}: {e.Status.Detail}");
            return ServerError;
        }
        catch (Client.GeoAssignException e)
        {
            host.Error.WriteLine($"error: {e.Message}");
            return ServerError;
        }
    }
}

/// <summary>The options every command shares (recursive on the root command), and their validation.</summary>
internal sealed class LoadOptions
{
    public Option<string[]> Target { get; } = new("--target")
    {
        Description = "Server URL; repeat for replicas (connections and edits go round-robin) [default: http://127.0.0.1:5080]",
        HelpName = "URL",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<int?> Connections { get; } = new("--connections")
    {
        Description = "HTTP/2 connections (one gRPC channel each) [default: min(concurrency, 4), at least one per target]",
        HelpName = "N",
        Recursive = true,
    };

    public Option<int?> Concurrency { get; } = new("--concurrency", "-c")
    {
        Description = "Closed loop: callers (streams, for stream scenarios). Open loop: most requests in flight [default: 8 closed, 64 open]",
        HelpName = "N",
        Recursive = true,
    };

    public Option<double?> Rate { get; } = new("--rate")
    {
        Description = "Open loop: requests per second, latency from the intended send time [default: closed loop]",
        HelpName = "PER_SECOND",
        Recursive = true,
    };

    public Option<double> Warmup { get; } = new("--warmup")
    {
        Description = "Seconds of load before measuring",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 3,
        Recursive = true,
    };

    public Option<double> Duration { get; } = new("--duration", "-d")
    {
        Description = "Seconds measured",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public Option<string> Layer { get; } = new("--layer") { Description = "Layer to look in [default: geo]", DefaultValueFactory = _ => "", Recursive = true };

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "API key (x-api-key) [default: $GEOASSIGN_API_KEY]", HelpName = "KEY", Recursive = true };

    public Option<string> Points { get; } = new("--points")
    {
        Description = "Point source: uniform:minLon,minLat,maxLon,maxLat | cities[:CC,...] | near-borders[:FILE.geojson] | file:POINTS.csv",
        HelpName = "SOURCE",
        DefaultValueFactory = _ => GeoAssign.LoadTest.Points.PointSource.DefaultSpec,
        Recursive = true,
    };

    public Option<int> PointCount { get; } = new("--point-count")
    {
        Description = "Points drawn before the run and cycled through",
        HelpName = "N",
        DefaultValueFactory = _ => 100_000,
        Recursive = true,
    };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the point source", DefaultValueFactory = _ => 1, Recursive = true };

    public Option<string> CitiesFile { get; } = new("--cities-file")
    {
        Description = "City list for --points cities (lat,lng,population,country; written by loadtests/cities/export.mjs)",
        HelpName = "FILE",
        DefaultValueFactory = _ => GeoAssign.LoadTest.Points.PointSourceSettings.DefaultCitiesFile,
        Recursive = true,
    };

    public Option<double> BorderMetres { get; } = new("--border-metres")
    {
        Description = "near-borders: largest distance from a border",
        HelpName = "METRES",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public Option<int?> BatchSize { get; } = new("--batch-size")
    {
        Description = "Points per ResolveBatch call, ResolveStream message or Reassign call [default: 1,000; 10,000 for streams]",
        HelpName = "N",
        Recursive = true,
    };

    public Option<int> StreamWindow { get; } = new("--stream-window")
    {
        Description = "Stream scenarios: messages each stream keeps unanswered",
        HelpName = "N",
        DefaultValueFactory = _ => 4,
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Deadline of each unary call in seconds; 0 sends none",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    public Option<double?> EditRate { get; } = new("--edit-rate")
    {
        Description = "mixed, converge: edits per second [default: 1 for mixed, 5 for converge]",
        HelpName = "PER_SECOND",
        Recursive = true,
    };

    public Option<string?> EditTerritory { get; } = new("--edit-territory")
    {
        Description = "mixed, converge: the territory whose border moves [default: mixed, the one covering the first point; converge, a small probe territory in layer geoassign-load]",
        HelpName = "ID",
        Recursive = true,
    };

    public Option<double> ConvergeTimeout { get; } = new("--converge-timeout")
    {
        Description = "converge: seconds an edit may take to reach every target",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public Option<string?> Redis { get; } = new("--redis")
    {
        Description = "converge: Redis connection string; also report the raw Redis publish→receive round trip",
        HelpName = "CONNECTION",
        Recursive = true,
    };

    public Option<int> RedisSamples { get; } = new("--redis-samples") { Description = "converge --redis: round trips to measure", DefaultValueFactory = _ => 1000, Recursive = true };

    public Option<int> Activations { get; } = new("--activations")
    {
        Description = "activate: activations measured",
        HelpName = "N",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    public Option<int> WarmupActivations { get; } = new("--warmup-activations")
    {
        Description = "activate: activations before those, not measured",
        HelpName = "N",
        DefaultValueFactory = _ => 2,
        Recursive = true,
    };

    public Option<double> ChangeShare { get; } = new("--change-share")
    {
        Description = "activate: share of the layer's territories each plan changes",
        HelpName = "SHARE",
        DefaultValueFactory = _ => 0.1,
        Recursive = true,
    };

    public Option<int> BorderMoves { get; } = new("--border-moves")
    {
        Description = "activate: moved borders among those changes (two territories each, at most a quarter of the changes); the others get another owner",
        HelpName = "N",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    public Option<ulong?> MapVersion { get; } = new("--map-version")
    {
        Description = "history: the past version of the live map to look up beside it [default: the newest past version]",
        HelpName = "VERSION",
        Recursive = true,
    };

    public Option<int> FirstLookups { get; } = new("--first-lookups")
    {
        Description = "history: past versions whose first lookup (one index build each) is timed",
        HelpName = "N",
        DefaultValueFactory = _ => 3,
        Recursive = true,
    };

    public Option<string?> Label { get; } = new("--label") { Description = "Name of the run in the reports [default: the scenario]", Recursive = true };

    public Option<string?> Json { get; } = new("--json") { Description = "Write the result as JSON to this file", HelpName = "FILE", Recursive = true };

    public Option<string?> Markdown { get; } = new("--markdown")
    {
        Description = "Write a Markdown table with the result to this file, or add a row to the table there",
        HelpName = "FILE",
        Recursive = true,
    };

    public IEnumerable<Option> All =>
    [
        Target, Connections, Concurrency, Rate, Warmup, Duration, Layer, ApiKey, Points, PointCount, Seed, CitiesFile, BorderMetres,
        BatchSize, StreamWindow, Timeout, EditRate, EditTerritory, ConvergeTimeout, Redis, RedisSamples, Activations, WarmupActivations,
        ChangeShare, BorderMoves, MapVersion, FirstLookups, Label, Json, Markdown,
    ];

    /// <summary>The targets from --target, validated.</summary>
    public IReadOnlyList<Uri> Targets(ParseResult parse)
    {
        var texts = parse.GetValue(Target) is { Length: > 0 } given ? given : ["http://127.0.0.1:5080"];
        var targets = new List<Uri>();
        foreach (var text in texts)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new LoadTestInputException($"--target \"{text}\" is not an http:// or https:// URL such as http://127.0.0.1:5080.");
            }

            targets.Add(uri);
        }

        return targets;
    }

    public string? ApiKeyValue(ParseResult parse) =>
        parse.GetValue(ApiKey) is { Length: > 0 } key ? key : Environment.GetEnvironmentVariable("GEOASSIGN_API_KEY") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;

    /// <summary>The settings of a run of <paramref name="scenario"/>, validated.</summary>
    /// <exception cref="LoadTestInputException">An option is out of range.</exception>
    public LoadSettings ToSettings(string scenario, ParseResult parse)
    {
        var targets = Targets(parse);
        var rate = parse.GetValue(Rate);
        if (rate is { } r && (!double.IsFinite(r) || r <= 0 || r > 10_000_000))
        {
            throw new LoadTestInputException(string.Create(CultureInfo.InvariantCulture, $"--rate {r} is not a rate between 0 and 10,000,000 per second."));
        }

        var concurrency = parse.GetValue(Concurrency) ?? (rate is null ? 8 : 64);
        Require(concurrency is >= 1 and <= 10_000, $"--concurrency {concurrency} is not between 1 and 10,000.");
        var connections = parse.GetValue(Connections) ?? Math.Max(targets.Count, Math.Min(concurrency, 4));
        Require(connections is >= 1 and <= 1_000, $"--connections {connections} is not between 1 and 1,000.");
        var warmup = parse.GetValue(Warmup);
        var duration = parse.GetValue(Duration);
        Require(double.IsFinite(warmup) && warmup >= 0 && warmup <= 86_400, $"--warmup {warmup} is not a number of seconds between 0 and 86,400.");
        Require(double.IsFinite(duration) && duration > 0 && duration <= 86_400, $"--duration {duration} is not a number of seconds above 0 and at most 86,400.");
        var streaming = scenario is "stream" or "echo-stream";
        var batchSize = parse.GetValue(BatchSize) ?? (streaming ? 10_000 : 1_000);
        Require(batchSize is >= 1 and <= 1_000_000, $"--batch-size {batchSize} is not between 1 and 1,000,000.");
        var pointCount = parse.GetValue(PointCount);
        Require(pointCount is >= 1 and <= 100_000_000, $"--point-count {pointCount} is not between 1 and 100,000,000.");
        var window = parse.GetValue(StreamWindow);
        Require(window is >= 1 and <= 1_000, $"--stream-window {window} is not between 1 and 1,000.");
        var timeout = parse.GetValue(Timeout);
        Require(double.IsFinite(timeout) && timeout >= 0 && timeout <= 86_400, $"--timeout {timeout} is not a number of seconds between 0 and 86,400.");
        var editRate = parse.GetValue(EditRate) ?? (scenario == "converge" ? 5 : 1);
        Require(double.IsFinite(editRate) && editRate > 0 && editRate <= 10_000, $"--edit-rate {editRate} is not between 0 and 10,000 per second.");
        var convergeTimeout = parse.GetValue(ConvergeTimeout);
        Require(double.IsFinite(convergeTimeout) && convergeTimeout > 0 && convergeTimeout <= 3_600, $"--converge-timeout {convergeTimeout} is not between 0 and 3,600 seconds.");
        var borderMetres = parse.GetValue(BorderMetres);
        Require(double.IsFinite(borderMetres) && borderMetres >= 0 && borderMetres <= 100_000, $"--border-metres {borderMetres} is not between 0 and 100,000.");
        var redisSamples = parse.GetValue(RedisSamples);
        Require(redisSamples is >= 1 and <= 1_000_000, $"--redis-samples {redisSamples} is not between 1 and 1,000,000.");

        var activations = parse.GetValue(Activations);
        Require(activations is >= 1 and <= 100_000, $"--activations {activations} is not between 1 and 100,000.");
        var warmupActivations = parse.GetValue(WarmupActivations);
        Require(warmupActivations is >= 0 and <= 100_000, $"--warmup-activations {warmupActivations} is not between 0 and 100,000.");
        var changeShare = parse.GetValue(ChangeShare);
        Require(double.IsFinite(changeShare) && changeShare > 0 && changeShare <= 1, $"--change-share {changeShare} is not a share above 0 and at most 1.");
        var borderMoves = parse.GetValue(BorderMoves);
        Require(borderMoves is >= 0 and <= 1_000_000, $"--border-moves {borderMoves} is not between 0 and 1,000,000.");
        var mapVersion = parse.GetValue(MapVersion);
        Require(mapVersion is null or > 0, "--map-version 0 is the empty map; name a version the history lists (ListVersions).");
        var firstLookups = parse.GetValue(FirstLookups);
        Require(firstLookups is >= 0 and <= 1_000, $"--first-lookups {firstLookups} is not between 0 and 1,000.");

        return new LoadSettings
        {
            Scenario = scenario,
            Targets = targets,
            Connections = connections,
            Shape = new LoadShape(TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration), concurrency, rate, TimeSpan.FromSeconds(10)),
            Layer = parse.GetValue(Layer) ?? "",
            ApiKey = ApiKeyValue(parse),
            PointsSpec = parse.GetValue(Points) ?? GeoAssign.LoadTest.Points.PointSource.DefaultSpec,
            PointCount = pointCount,
            Seed = parse.GetValue(Seed),
            CitiesFile = parse.GetValue(CitiesFile) ?? GeoAssign.LoadTest.Points.PointSourceSettings.DefaultCitiesFile,
            BorderMetres = borderMetres,
            BatchSize = batchSize,
            StreamWindow = window,
            CallTimeout = timeout == 0 ? null : TimeSpan.FromSeconds(timeout),
            EditRate = editRate,
            EditTerritory = parse.GetValue(EditTerritory),
            ConvergeTimeout = TimeSpan.FromSeconds(convergeTimeout),
            Redis = parse.GetValue(Redis),
            RedisSamples = redisSamples,
            Activations = activations,
            WarmupActivations = warmupActivations,
            ChangeShare = changeShare,
            BorderMoves = borderMoves,
            MapVersion = mapVersion,
            FirstLookups = firstLookups,
            Label = parse.GetValue(Label),
            JsonPath = parse.GetValue(Json),
            MarkdownPath = parse.GetValue(Markdown),
        };
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new LoadTestInputException(message);
        }
    }
}
