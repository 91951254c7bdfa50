// Thousands of malformed requests (fixed seed) against a real server: each gets its exact status, changes nothing, and the server keeps answering.
using System.Diagnostics;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Server.Tests;

public sealed class MalformedCorpusTests
{
    // Change the seed to explore; a failure names the case number, which the same seed reproduces.
    private const int Seed = 20_251_212;
    private const int CaseCount = 2_400;

    [Fact]
    public async Task Every_malformed_request_gets_its_exact_status_changes_nothing_and_the_server_keeps_answering()
    {
        var log = new LogCapture();
        await using var server = await TestServer.StartAsync(configure: builder => log.AttachTo(builder.Logging));
        var edit = await server.Territories.UpsertTerritoriesAsync(new UpsertTerritoriesRequest
        {
            Territories = { Shapes.Territory(MalformedCorpus.TerritoryId, Shapes.Square(0, 0, 1)) },
        });
        var cases = new MalformedCorpus(new Random(Seed)).Generate(CaseCount);
        Assert.Equal(MalformedCorpus.KindNames.Order(), cases.Select(c => c.Kind).Distinct().Order());
        Assert.Equal(
            ["ClientStreaming", "Duplex", "ServerStreaming", "Unary"],
            cases.Select(c => CallKind(c.Method)).Distinct().Order());

        using var raw = new RawGrpc(server.Address);
        var target = new CorpusTarget(raw, server);
        var failures = new List<string>();
        var version = edit.MapVersion;
        var took = Stopwatch.StartNew();
        for (var i = 0; i < cases.Count; i++)
        {
            var sent = cases[i];
            var (status, message) = await sent.SendAsync(target);
            if (status != sent.Expected)
            {
                failures.Add($"#{i} {sent}: expected {sent.Expected}, got {status}: {message}");
            }
            else if (sent.MessageMark is { } mark && !mark.Split('|').Any(part => message.Contains(part, StringComparison.Ordinal)))
            {
                failures.Add($"#{i} {sent}: {status} as expected, but the message does not say \"{mark}\": {message}");
            }

            var now = (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion;
            if (now != version)
            {
                failures.Add($"#{i} {sent}: the map moved from version {version} to {now}.");
                version = now;
            }

            var answer = await server.Assignments.ResolveAsync(new ResolveRequest { Lat = 0.5, Lng = 0.5 });
            if (answer.Assignment.TerritoryId != MalformedCorpus.TerritoryId)
            {
                failures.Add($"#{i} {sent}: a good lookup afterwards found \"{answer.Assignment.TerritoryId}\".");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed (seed {Seed}):\n" + string.Join('\n', failures.Take(40)));
        // Nothing the callers did is reported as a failure of the server.
        Assert.Empty(log.AtLeast(LogLevel.Error));
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(60), $"The corpus took {took.Elapsed.TotalSeconds:F0} s.");
    }

    private static string CallKind(string method)
    {
        var descriptor = MalformedCorpus.Services.SelectMany(service => service.Methods).Single(m => $"/{m.Service.FullName}/{m.Name}" == method);
        return (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => "Unary",
            (true, false) => "ClientStreaming",
            (false, true) => "ServerStreaming",
            _ => "Duplex",
        };
    }
}
