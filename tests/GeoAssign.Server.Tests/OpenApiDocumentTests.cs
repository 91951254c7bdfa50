// The OpenAPI document lists every route the protos annotate, and needs no API key.
using System.Net;
using System.Reflection;
using GeoAssign.Testing.Servers;
using Google.Api;
using Google.Protobuf.Reflection;

namespace GeoAssign.Server.Tests;

public sealed class OpenApiDocumentTests
{
    // Every service of the protos, so that a new service's routes are checked without a change here.
    private static readonly ServiceDescriptor[] Services = typeof(Protos.V1.AssignmentService).Assembly.GetTypes()
        .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
        .OfType<FileDescriptor>()
        .SelectMany(file => file.Services)
        .Where(service => service.File.Package == "geoassign.v1")
        .DistinctBy(service => service.FullName)
        .ToArray();

    // Unary RPCs that are gRPC only by choice: Echo measures the cost of a gRPC call.
    private static readonly string[] GrpcOnly = ["geoassign.v1.DiagnosticsService.Echo"];

    [Theory]
    [MemberData(nameof(HttpJson.Versions), MemberType = typeof(HttpJson))]
    public async Task The_document_lists_every_annotated_route_with_its_method_and_needs_no_key(string version)
    {
        await using var server = await TestServer.StartAsync(TestServer.WithKeys, http1: true);
        using var http = new HttpJson(server, Version.Parse(version));
        var document = (await http.GetAsync("/openapi/v1.json")).Ok();
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");

        var expected = AnnotatedRoutes().ToList();
        Assert.True(expected.Count >= 24, $"Only {expected.Count} routes are annotated.");
        foreach (var (verb, path, rpc) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{rpc}: {verb.ToUpperInvariant()} {path} is missing from the document.");
            Assert.True(item.TryGetProperty(verb, out _), $"{rpc}: {path} has no {verb.ToUpperInvariant()} operation in the document.");
        }

        // Nothing else, and the API key is declared.
        Assert.Equal(expected.Select(r => r.Path).Distinct().Order(StringComparer.Ordinal), paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey");
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("x-api-key", scheme.GetProperty("name").GetString());
    }

    [Fact]
    public void The_streams_from_the_client_and_Echo_have_no_route_and_the_rest_of_the_API_has()
    {
        Assert.Contains(Services, s => s.FullName == "geoassign.v1.PlanService");
        foreach (var method in Services.SelectMany(s => s.Methods))
        {
            var routed = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not null;
            if (method.IsClientStreaming)
            {
                Assert.False(routed, $"{method.FullName} streams from the client, which HTTP/JSON cannot carry: remove its google.api.http annotation.");
            }
            else
            {
                Assert.True(routed != GrpcOnly.Contains(method.FullName),
                    routed
                        ? $"{method.FullName} is listed as gRPC-only but has a route: remove it from GrpcOnly."
                        : $"{method.FullName} has no HTTP/JSON route: give it a google.api.http annotation in its proto (docs/http-json.md, \"Adding a route\"), or list it in GrpcOnly with the reason.");
            }
        }
    }

    [Fact]
    public async Task Turned_off_the_document_is_not_served()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["GeoAssign:EnableOpenApi"] = "false" }, http1: true);
        using var http = new HttpJson(server, HttpVersion.Version11);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/openapi/v1.json")).Status);
        // The routes themselves stay.
        (await http.GetAsync("/v1/map")).Ok();
    }

    // Every (verb, path) of every google.api.http annotation, additional bindings included.
    private static IEnumerable<(string Verb, string Path, string Rpc)> AnnotatedRoutes()
    {
        foreach (var method in Services.SelectMany(s => s.Methods))
        {
            if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
            {
                continue;
            }

            foreach (var binding in rule.AdditionalBindings.Prepend(rule))
            {
                var (verb, path) = binding.PatternCase switch
                {
                    HttpRule.PatternOneofCase.Get => ("get", binding.Get),
                    HttpRule.PatternOneofCase.Post => ("post", binding.Post),
                    HttpRule.PatternOneofCase.Put => ("put", binding.Put),
                    HttpRule.PatternOneofCase.Delete => ("delete", binding.Delete),
                    HttpRule.PatternOneofCase.Patch => ("patch", binding.Patch),
                    _ => throw new InvalidOperationException($"{method.FullName} has a custom HTTP pattern."),
                };
                // The document names path parameters by their JSON names: {account_id} is {accountId}.
                yield return (verb, System.Text.RegularExpressions.Regex.Replace(path, "_([a-z])", m => m.Groups[1].Value.ToUpperInvariant()), method.FullName);
            }
        }
    }
}
