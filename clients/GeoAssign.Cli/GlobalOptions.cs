// The options every command accepts, how they become a client, and one error path for all commands.
using System.CommandLine;
using GeoAssign.Client;
using Spectre.Console;

namespace GeoAssign.Cli;

/// <summary>The options every command accepts, and how a command turns them into a client.</summary>
internal sealed class GlobalOptions(CliHost host)
{
    private const double DefaultTimeoutSeconds = 30;

    public CliHost Host { get; } = host;

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The GeoAssign server's URL [default: ${GeoAssignCli.UrlVariable}, else {GeoAssignClientOptions.DefaultAddress.ToString().TrimEnd('/')}]",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"API key sent as x-api-key; edits need an editor key [default: ${GeoAssignCli.ApiKeyVariable}]",
        HelpName = "KEY",
        Recursive = true,
    };

    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = $"Seconds each call may take before it fails [default: {DefaultTimeoutSeconds}]",
        HelpName = "SECONDS",
        Recursive = true,
    };

    /// <summary>The URL, key and timeout from the options, else the environment, else the defaults.</summary>
    /// <exception cref="CliInputException">The URL or timeout is malformed.</exception>
    public CliSettings Settings(ParseResult parse)
    {
        var url = parse.GetValue(Url);
        var source = "--url";
        if (string.IsNullOrWhiteSpace(url))
        {
            url = Host.Environment(GeoAssignCli.UrlVariable);
            source = GeoAssignCli.UrlVariable;
        }

        Uri address;
        if (string.IsNullOrWhiteSpace(url))
        {
            address = GeoAssignClientOptions.DefaultAddress;
        }
        else if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out address!) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliInputException($"{source} \"{url}\" is not an absolute http:// or https:// URL, such as http://127.0.0.1:5080.");
        }

        var key = parse.GetValue(ApiKey);
        if (string.IsNullOrEmpty(key))
        {
            key = Host.Environment(GeoAssignCli.ApiKeyVariable);
        }

        var seconds = parse.GetValue(Timeout) ?? DefaultTimeoutSeconds;
        if (!double.IsFinite(seconds) || seconds <= 0 || seconds > 86_400)
        {
            throw new CliInputException($"--timeout {seconds} is not a number of seconds between 0 and 86400.");
        }

        return new CliSettings(address, string.IsNullOrEmpty(key) ? null : key, TimeSpan.FromSeconds(seconds));
    }

    /// <summary>A client for these settings; retries are announced on stderr.</summary>
    public GeoAssignClient Client(CliSettings settings)
    {
        var options = new GeoAssignClientOptions
        {
            Address = settings.Address,
            ApiKey = settings.ApiKey,
            DefaultDeadline = settings.Timeout,
            // A person waits at the terminal: give up after about 1.5 s of retrying an unreachable server.
            MaxRetries = 3,
            OnRetry = retry => Host.Error.MarkupLine(Markup.Escape(
                $"{retry.Method}: {ShortReason(retry.Error)}; retrying in {retry.Delay.TotalSeconds:0.0} s (attempt {retry.Attempt + 1})…")),
        };
        Host.ConfigureClient?.Invoke(options);
        return new GeoAssignClient(options);
    }

    /// <summary>
    /// Runs a command body that talks to the server: resolves the settings, builds the client, and
    /// turns any failure into a message and an exit code; <paramref name="advise"/> gives the command's own
    /// words for the server rejections it knows more about (see <see cref="CliErrors.Report(CliHost, Exception, CliSettings?, CancellationToken, Func{GeoAssignException, RejectionAdvice?}?)"/>).
    /// </summary>
    public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken,
        Func<GeoAssignClient, CliSettings, CancellationToken, Task<int>> body, Func<GeoAssignException, RejectionAdvice?>? advise = null)
    {
        CliSettings? settings = null;
        try
        {
            settings = Settings(parse);
            using var client = Client(settings);
            return await body(client, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return CliErrors.Report(Host, e, settings, cancellationToken, advise);
        }
    }

    /// <summary>Runs a command body that needs no server.</summary>
    public async Task<int> RunLocalAsync(CancellationToken cancellationToken, Func<CancellationToken, Task<int>> body)
    {
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return CliErrors.Report(Host, e, null, cancellationToken);
        }
    }

    private static string ShortReason(Exception error)
    {
        if (error is not Grpc.Core.RpcException rpc)
        {
            return error.Message;
        }

        // The transport's own words ("Connection refused") say more than "Error connecting to subchannel."
        var inner = rpc.Status.DebugException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return $"{CliErrors.Name(rpc.StatusCode)} ({FirstLine(inner?.Message ?? rpc.Status.Detail)})";
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
