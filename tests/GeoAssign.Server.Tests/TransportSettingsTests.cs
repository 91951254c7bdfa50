// GeoAssign:Transport: the socket transport's scheduling settings reach Kestrel, with Kestrel's defaults.
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GeoAssign.Server.Tests;

public sealed class TransportSettingsTests
{
    [Fact]
    public async Task Transport_settings_default_to_Kestrels_and_configured_ones_reach_the_socket_transport()
    {
        var kestrelDefaults = new SocketTransportOptions();
        await using (var server = await TestServer.StartAsync())
        {
            var transport = server.App.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
            Assert.False(transport.UnsafePreferInlineScheduling);
            Assert.Equal(kestrelDefaults.IOQueueCount, transport.IOQueueCount);
        }

        await using (var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Transport:InlineScheduling"] = "true",
            ["GeoAssign:Transport:IOQueueCount"] = "0",
        }))
        {
            var transport = server.App.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
            Assert.True(transport.UnsafePreferInlineScheduling);
            Assert.Equal(0, transport.IOQueueCount);
            // Calls are served with the I/O on the thread pool and application code inline.
            Assert.Equal(0ul, (await server.Territories.GetMapInfoAsync(new GetMapInfoRequest())).MapVersion);
        }
    }

    [Fact]
    public async Task A_bad_IO_queue_count_stops_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["GeoAssign:Transport:IOQueueCount"] = "-1",
        }));

        Assert.Contains("GeoAssign:Transport:IOQueueCount must be between 0 and 64", error.Message);
    }
}
