// Builds the server: configuration, Kestrel (h2c on loopback by default), services and endpoints.
using GeoAssign.Replication;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Security;
using GeoAssign.Server.Services;
using GeoAssign.Server.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace GeoAssign.Server.Hosting;

/// <summary>
/// Builds the GeoAssign server. <c>Program</c> runs it; integration tests build it in-process with
/// their own configuration. Without configuration it listens on <see cref="DefaultUrl"/> (HTTP/2
/// without TLS, "h2c") and keeps its map in the embedded store under <c>./data</c>.
/// </summary>
public static partial class GeoAssignServerApp
{
    /// <summary>Where the server listens when neither <c>urls</c> nor <c>Kestrel:Endpoints</c> is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    // Per-request logs of ASP.NET Core and gRPC cost more than a lookup: warnings only by default.
    private static readonly Dictionary<string, string?> ConfigurationDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
    };

    /// <summary>Builds the application; <paramref name="configure"/> may add configuration or services first.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Defaults below every other source, so that they hold wherever the server runs from (the
        // content root's appsettings.json may be absent) and any configuration overrides them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = ConfigurationDefaults });
        configure?.Invoke(builder);

        var section = builder.Configuration.GetSection(GeoAssignServerOptions.Section);
        var options = section.Get<GeoAssignServerOptions>() ?? new GeoAssignServerOptions();

        // Endpoints: standard Kestrel configuration (Kestrel:Endpoints, urls, ASPNETCORE_URLS) wins;
        // otherwise loopback only. gRPC needs HTTP/2, and without TLS there is no ALPN to negotiate
        // it, so every endpoint speaks HTTP/2 only unless its configuration says otherwise.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])
            && !builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            // Invalid values stop the start through the options validator, naming the setting, not here.
            if (options.Connections.Problems().Count == 0)
            {
                options.Connections.ApplyTo(kestrel.Limits);
            }
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        builder.Services.AddOptions<GeoAssignServerOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GeoAssignServerOptions>, GeoAssignServerOptionsValidator>();

        // The store seam: the embedded store by default, Redis when configured (GeoAssign:Store,
        // GeoAssign:Redis); tests may register their own factory first.
        builder.Services.TryAddSingleton<Func<CancellationToken, Task<IMapStore>>>(services => cancellationToken => MapStores.OpenAsync(
            services.GetRequiredService<IOptions<GeoAssignServerOptions>>().Value, services.GetRequiredService<IHostEnvironment>().ContentRootPath, cancellationToken));
        builder.Services.AddSingleton(services =>
        {
            var configured = services.GetRequiredService<IOptions<GeoAssignServerOptions>>().Value;
            return new MapReplica(
                services.GetRequiredService<Func<CancellationToken, Task<IMapStore>>>(),
                new MapReplicaOptions
                {
                    ReplicaId = configured.EffectiveReplicaId,
                    Index = configured.ToIndexOptions(),
                    VersionHistoryLength = configured.History.KeepChanges,
                    PastVersionCacheBytes = configured.History.PastVersionCacheBytes,
                },
                services.GetRequiredService<ILogger<MapReplica>>(),
                services.GetRequiredService<IHostApplicationLifetime>().StopApplication);
        });
        builder.Services.AddHostedService<MapReplicaService>();
        builder.Services.AddSingleton(services => new PlanScheduler(services.GetRequiredService<MapReplica>(), TimeProvider.System,
            services.GetRequiredService<IOptions<GeoAssignServerOptions>>().Value.Plans.NewOverlaps == NewOverlapPolicy.Allow,
            services.GetRequiredService<ILogger<PlanScheduler>>()));
        builder.Services.AddHostedService<PlanSchedulerService>();
        builder.Services.AddSingleton<MapReader>();
        builder.Services.AddSingleton<MapEdits>();
        builder.Services.AddSingleton<TerritoryMessages>();
        builder.Services.AddSingleton<ApiKeyRegistry>();
        builder.Services.AddSingleton<GeoAssignMetrics>();
        // Per-version responses (territory messages, sorted ids, layer statistics); never lookups.
        builder.Services.AddMemoryCache(cache => cache.SizeLimit = 256 * 1024);

        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxMessageBytes;
            grpc.MaxSendMessageSize = options.MaxMessageBytes;
            foreach (var provider in BoundedDecompression.Defaults(options.MaxMessageBytes))
            {
                grpc.CompressionProviders.Add(provider);
            }

            grpc.Interceptors.Add<UnexpectedErrorInterceptor>();
            grpc.Interceptors.Add<ApiKeyInterceptor>();
        });
        if (options.EnableReflection)
        {
            builder.Services.AddGrpcReflection();
        }

        builder.Services.AddGrpcHealthChecks().AddCheck<MapHealthCheck>("map");
        builder.Services.AddRequestParsing();

        AddTelemetry(builder, options.Telemetry);

        var app = builder.Build();
        if (options.EnableGrpcWeb)
        {
            app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        }

        app.UseMessageFrameCheck(options.MaxMessageBytes);

        app.MapGrpcService<AssignmentService>();
        app.MapGrpcService<TerritoryService>();
        app.MapGrpcService<ReassignmentService>();
        app.MapGrpcService<PlanService>();
        app.MapGrpcService<AccountService>();
        app.MapGrpcService<BalanceService>();
        app.MapGrpcService<DiagnosticsService>();
        app.MapGrpcHealthChecksService();
        if (options.EnableReflection)
        {
            app.MapGrpcReflectionService();
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GeoAssign.Server");
        if (!app.Services.GetRequiredService<ApiKeyRegistry>().Enabled)
        {
            LogOpen(logger);
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var maps = app.Services.GetRequiredService<MapReplica>();
            var store = options.EffectiveStore == MapStoreChoice.Redis
                ? options.Redis.ToStoreOptions().Describe()
                : $"data folder {MapStores.DataDirectory(options.DataDirectory, app.Environment.ContentRootPath)}";
            LogListening(logger, string.Join(", ", app.Urls), store, maps.Current.Version);
        });
        return app;
    }

    private static void AddTelemetry(WebApplicationBuilder builder, TelemetryOptions telemetry)
    {
        var otlp = telemetry.OtlpEndpoint ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!telemetry.ConsoleExporter && string.IsNullOrEmpty(otlp))
        {
            return;
        }

        var interval = (int)telemetry.ExportInterval.TotalMilliseconds;
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(GeoAssignMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            if (telemetry.ConsoleExporter)
            {
                metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval);
            }

            if (!string.IsNullOrEmpty(otlp))
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(otlp);
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                });
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API keys are configured (GeoAssign:ApiKeys): every caller may look up AND EDIT the map. Configure reader and editor keys before exposing this server beyond this machine.")]
    private static partial void LogOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "GeoAssign serving gRPC on {Urls}; {Store}; map version {Version}")]
    private static partial void LogListening(ILogger logger, string urls, string store, long version);
}

/// <summary>
/// Healthy once the map is loaded and the replica is in step with its store; Degraded (still SERVING
/// over gRPC health, since lookups are answered from the last map) while the store is unreachable or
/// the replica is catching up. Reports version, lag and last sync.
/// </summary>
internal sealed class MapHealthCheck(MapReplica maps) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = maps.Status;
        var map = status.Map;
        var data = new Dictionary<string, object>
        {
            ["map_version"] = map.Version,
            ["territories"] = map.Count,
            ["store_version"] = status.StoreVersion,
            ["lag_versions"] = status.LagVersions,
            ["lag_seconds"] = status.Lag.TotalSeconds,
            ["last_sync_time"] = status.LastSyncTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        var result = status.State switch
        {
            ReplicaState.Serving => HealthCheckResult.Healthy($"Serving map version {map.Version}", data),
            ReplicaState.CatchingUp => HealthCheckResult.Degraded(
                $"Serving map version {map.Version} while catching up with store version {status.StoreVersion}. {status.LastError}", data: data),
            _ => HealthCheckResult.Degraded(
                $"Serving map version {map.Version} from memory; the store is unreachable, so edits fail with UNAVAILABLE until it is back. {status.LastError}", data: data),
        };
        return Task.FromResult(result);
    }
}
