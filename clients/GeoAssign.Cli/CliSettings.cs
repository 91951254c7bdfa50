// The server, key and deadline every server command uses.
namespace GeoAssign.Cli;

/// <summary>The settings every server command shares, from the global options and the environment.</summary>
/// <param name="Address">The server's URL.</param>
/// <param name="ApiKey">The API key, if any.</param>
/// <param name="Timeout">Deadline of each call.</param>
internal sealed record CliSettings(Uri Address, string? ApiKey, TimeSpan Timeout);
