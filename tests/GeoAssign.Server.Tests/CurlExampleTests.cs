// The documented curl examples, run with the real curl against a real server, answer what the documentation shows.
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using GeoAssign.Testing;
using GeoAssign.Testing.Servers;

namespace GeoAssign.Server.Tests;

public sealed partial class CurlExampleTests
{
    // Where the HTTP/JSON examples live: the README's and the HTTP/JSON page's ```bash blocks that call curl.
    private static readonly string[] Documents = ["README.md", Path.Combine("docs", "http-json.md")];

    [Fact]
    public async Task Every_documented_curl_example_answers_what_its_comments_show()
    {
        var all = Documents.ToDictionary(document => document, document => Steps(document).ToList());
        Assert.True(all.Values.Sum(s => s.Count) >= 10, $"Only {all.Values.Sum(s => s.Count)} curl examples were found in {string.Join(", ", Documents)}.");

        // Each document is a walk-through of its own, from an empty server.
        foreach (var (_, steps) in all)
        {
            await using var server = await TestServer.StartAsync(http1: true);
            foreach (var step in steps)
            {
                // The examples name the default endpoints; the test server listens on ports of its own.
                var command = step.Command
                    .Replace("127.0.0.1:5081", server.Http1Address!.Authority, StringComparison.Ordinal)
                    .Replace("127.0.0.1:5080", server.Address.Authority, StringComparison.Ordinal);
                var (exitCode, output, error) = await RunBashAsync(command);
                Assert.True(exitCode == 0, $"{step.Source}: the example failed with exit code {exitCode}:\n{step.Command}\n{error}");
                foreach (var expected in step.Expected)
                {
                    Assert.True(output.Contains(expected, StringComparison.Ordinal),
                        $"{step.Source}: the answer of\n{step.Command}\ndoes not contain {expected}; it is:\n{output}");
                }
            }
        }
    }

    /// <summary>One example: its command lines and the fragments its "# → " comments say the answer holds.</summary>
    private sealed record Step(string Source, string Command, List<string> Expected);

    private static IEnumerable<Step> Steps(string document)
    {
        var text = File.ReadAllText(Path.Combine(TestDatasets.RepositoryRoot, document));
        foreach (Match block in BashBlock().Matches(text))
        {
            var body = block.Groups[1].Value;
            if (!body.Contains("curl ", StringComparison.Ordinal) || !body.Contains("/v1/", StringComparison.Ordinal))
            {
                continue;
            }

            var line = text[..block.Index].Count(c => c == '\n') + 1;
            var command = new StringBuilder();
            var expected = new List<string>();
            foreach (var row in body.Split('\n'))
            {
                if (row.StartsWith("# → ", StringComparison.Ordinal))
                {
                    expected.Add(row["# → ".Length..].Trim());
                    continue;
                }

                if (expected.Count > 0)
                {
                    yield return new Step($"{document}:{line}", command.ToString(), expected);
                    command.Clear();
                    expected = [];
                }

                command.Append(row).Append('\n');
            }

            if (command.ToString().Contains("curl ", StringComparison.Ordinal))
            {
                yield return new Step($"{document}:{line}", command.ToString(), expected);
            }
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunBashAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", command])
        {
            WorkingDirectory = TestDatasets.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The examples with keys read the key from here; the test server has none, so any value passes.
        start.Environment["GEOASSIGN_API_KEY"] = TestServer.EditorKey;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
