// The minimal grpc-dotnet service: Resolve answers one fixed assignment (the floor of a unary call).
using GeoAssign.MinimalGrpc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// The content root is the program's folder, so that its appsettings.json (the gRPC template's
// logging levels) applies wherever it is started from, as it would for a deployed service.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// Cleartext HTTP/2 needs the protocol set (without TLS there is no ALPN); everything else is Kestrel's default.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
var app = builder.Build();
app.MapGrpcService<FixedAssignmentService>();
app.Run();
