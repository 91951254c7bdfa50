// Builds the server: configuration, Kestrel (h2c and HTTP/1.1 on loopback by default), services and endpoints.
using GeoAssign.Replication;
using GeoAssign.Replication.Replicas;
using GeoAssign.Server.Http;
using GeoAssign.Server.MapPage;
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
/// without TLS, "h2c": gRPC and HTTP/JSON) and on <see cref="DefaultHttp1Url"/> (HTTP/1.1: HTTP/JSON,
/// and gRPC-Web when enabled) and keeps its map in the embedded store under <c>./data</c>.
/// </summary>
public static partial class GeoAssignServerApp
{
    /// <summary>Where the server listens when neither <c>urls</c> nor <c>Kestrel:Endpoints</c> is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The HTTP/1.1 endpoint beside <see cref="DefaultUrl"/> when neither <c>urls</c> nor <c>Kestrel:Endpoints</c> nor <c>GeoAssign:Http1Url</c> is configured.</summary>
    public const string DefaultHttp1Url = "http://127.0.0.1:5081";

    // The name of the HTTP/1.1 endpoint among Kestrel's configured endpoints.
    private const string Http1EndpointName = "GeoAssignHttp1";

    // Per-request logs of ASP.NET Core and gRPC cost more than a lookup: warnings only by default.
    private static readonly Dictionary<string, string?> ConfigurationDefaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
        // While this category is enabled at any level, ASP.NET Core starts an Activity and a logging
        // scope for every request, whatever else is logged. It logs no request at Warning or above
        // (Kestrel logs unhandled errors), only a few start-up warnings, which configuration can bring back.
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
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

        var http1Url = ConfigureEndpoints(builder);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            // Bodies of HTTP/JSON requests are bounded like gRPC messages (gRPC requests lift Kestrel's
            // limit and apply MaxMessageBytes themselves): larger ones are 413.
            kestrel.Limits.MaxRequestBodySize = options.MaxMessageBytes;
            // Invalid values stop the start through the options validator, naming the setting, not here.
            if (options.Connections.Problems().Count == 0)
            {
                options.Connections.ApplyTo(kestrel.Limits);
            }
        });
        // Invalid values stop the start through the options validator, as above.
        if (options.Transport.Problems().Count == 0)
        {
            builder.WebHost.UseSockets(options.Transport.ApplyTo);
        }

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
        builder.Services.AddMapPage();
        // Per-version responses (territory messages, sorted ids, layer statistics, map page drawings); never lookups.
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
        }).AddHttpJsonApi(options.EnableOpenApi);
        // grpc-dotnet creates a service and each interceptor for every call unless the container
        // holds them; ours keep no per-call state (thread-safe), so one instance serves every call.
        builder.Services.TryAddSingleton<UnexpectedErrorInterceptor>();
        builder.Services.TryAddSingleton<ApiKeyInterceptor>();
        builder.Services.TryAddSingleton<AssignmentService>();
        builder.Services.TryAddSingleton<TerritoryService>();
        builder.Services.TryAddSingleton<ReassignmentService>();
        builder.Services.TryAddSingleton<PlanService>();
        builder.Services.TryAddSingleton<AccountService>();
        builder.Services.TryAddSingleton<BalanceService>();
        builder.Services.TryAddSingleton<DiagnosticsService>();
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
        app.UseHttpJsonBodyLimit(options.MaxMessageBytes);
        app.UseHttpJsonBodyCheck(options.MaxMessageBytes);
        app.UseHttpJsonQueryCheck();

        app.MapGrpcService<AssignmentService>();
        app.MapGrpcService<TerritoryService>();
        app.MapGrpcService<ReassignmentService>();
        app.MapGrpcService<PlanService>();
        app.MapGrpcService<AccountService>();
        app.MapGrpcService<BalanceService>();
        app.MapGrpcService<DiagnosticsService>();
        app.MapGrpcHealthChecksService();
        app.MapMapPage();
        if (options.EnableReflection)
        {
            app.MapGrpcReflectionService();
        }

        if (options.EnableOpenApi)
        {
            app.MapOpenApiDocument();
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
            var http2Urls = string.Join(", ", app.Urls.Where(url => !string.Equals(url, http1Url?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)));
            if (http1Url is null)
            {
                LogListening(logger, http2Urls, store, maps.Current.Version);
            }
            else
            {
                LogListeningWithHttp1(logger, http2Urls, http1Url, store, maps.Current.Version);
            }
        });
        return app;
    }

    /// <summary>
    /// The endpoints. Kestrel:Endpoints, when configured, are used as they are (each speaks HTTP/2
    /// only unless its Protocols say otherwise). Otherwise the gRPC endpoints are <c>urls</c>
    /// (ASPNETCORE_URLS, --urls), else <see cref="DefaultUrl"/>, all HTTP/2 only: without TLS
    /// there is no ALPN, and Kestrel serves a cleartext endpoint of both protocols as HTTP/1.1
    /// only, which gRPC cannot use. HTTP/1.1 clients (curl, browsers, webhooks) get an endpoint of
    /// their own: <c>GeoAssign:Http1Url</c>, by default <see cref="DefaultHttp1Url"/> when the
    /// gRPC endpoint is the default one (with <c>urls</c> given, only when set, so that replicas
    /// started with their own urls do not collide on it); empty turns it off.
    /// </summary>
    /// <returns>The HTTP/1.1 endpoint's URL, or null when there is none.</returns>
    private static string? ConfigureEndpoints(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var configuredHttp1 = configuration[$"{GeoAssignServerOptions.Section}:{nameof(GeoAssignServerOptions.Http1Url)}"];
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            if (!string.IsNullOrEmpty(configuredHttp1))
            {
                throw new OptionsValidationException(GeoAssignServerOptions.Section, typeof(GeoAssignServerOptions),
                    [$"GeoAssign:Http1Url cannot be combined with Kestrel:Endpoints: add the HTTP/1.1 endpoint there instead (Kestrel:Endpoints:NAME:Url, Kestrel:Endpoints:NAME:Protocols=Http1)."]);
            }

            return null;
        }

        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var grpcUrls = string.IsNullOrEmpty(urls) ? DefaultUrl : urls;
        var http1Url = configuredHttp1 ?? (string.IsNullOrEmpty(urls) ? DefaultHttp1Url : "");
        if (http1Url.Length == 0)
        {
            builder.WebHost.UseUrls(grpcUrls);
            return null;
        }

        // Kestrel cannot give the endpoints of urls different protocols: they become configured
        // endpoints, each url as it was (same syntax) plus the HTTP/1.1 one; urls is then cleared so
        // that Kestrel does not warn that the configured endpoints override it.
        var endpoints = new Dictionary<string, string?>(StringComparer.Ordinal) { [WebHostDefaults.ServerUrlsKey] = "" };
        var index = 0;
        foreach (var url in grpcUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            endpoints[$"Kestrel:Endpoints:GeoAssignGrpc{index++}:Url"] = url;
        }

        endpoints[$"Kestrel:Endpoints:{Http1EndpointName}:Url"] = http1Url;
        endpoints[$"Kestrel:Endpoints:{Http1EndpointName}:Protocols"] = nameof(HttpProtocols.Http1);
        configuration.AddInMemoryCollection(endpoints);
        return http1Url;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "GeoAssign serving gRPC on {Urls}; HTTP/JSON on {Http1Url} (HTTP/1.1, e.g. curl {Http1Url}/v1/map) and on the gRPC port (HTTP/2); the map page at {Http1Url}/map; {Store}; map version {Version}")]
    private static partial void LogListeningWithHttp1(ILogger logger, string urls, string http1Url, string store, long version);
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
