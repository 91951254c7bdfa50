// geoassign gazetteer import: postal codes for resolving addresses (ResolveAddress).
using System.CommandLine;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Grpc.Core;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class GazetteerCommand
{
    /// <summary>The columns of the GeoNames postal-code layout, in file order.</summary>
    public static readonly string[] Columns =
        ["country code", "postal code", "place name", "admin name1", "admin code1", "admin name2", "admin code2", "admin name3", "admin code3", "latitude", "longitude", "accuracy"];

    public static Command Build(GlobalOptions global) => new("gazetteer", """
        The postal-code gazetteer: the point (usually the centroid) of each postal code, by country, that resolving an
        address by postal code uses. Part of the live map: stored, replicated and versioned with it.
        """)
    {
        Import(global),
    };

    private static Command Import(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("FILE")
        {
            Description = $"Postal codes in the GeoNames layout: tab-separated, no header, one code a line: {string.Join(", ", Columns)} (accuracy may be empty)",
        };
        var replace = new Option<bool>("--replace") { Description = "Make the codes of each country in the file exactly the file's; other countries keep theirs (default: merge)" };
        var expected = new Option<ulong?>("--expected-version") { Description = "Apply only if the live map is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var message = new Option<string?>("--message") { Description = "Why: recorded with the change (map history)", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("import", "Import postal codes (atomically: every row or none, as one new map version); needs an editor key")
        {
            file, replace, expected, message, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var path = RowImport.Existing(parse.GetValue(file)!);

            var options = new GazetteerImportOptions
            {
                Replace = parse.GetValue(replace),
                ExpectedVersion = parse.GetValue(expected),
                Message = parse.GetValue(message),
            };
            var host = global.Host;
            var result = await RowImport.UploadAsync(host, path, progress => client.ImportGazetteerAsync(path.FullName, options, progress, token)).ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    file = path.FullName,
                    replace = options.Replace,
                    map_version = result.MapVersion,
                    rows = result.RowCount,
                    created = result.CreatedCount,
                    updated = result.UpdatedCount,
                    deleted = result.DeletedCount,
                    countries = result.Countries,
                    total = result.TotalCount,
                    bytes = result.Bytes,
                });
                return ExitCodes.Success;
            }

            host.Out.MarkupLine(Markup.Escape($"Imported {path.Name} ({TextFormat.Bytes(result.Bytes)}, {TextFormat.Count(result.RowCount)} row{(result.RowCount == 1 ? "" : "s")}, "
                + $"{string.Join(", ", result.Countries)}): {TextFormat.Count(result.CreatedCount)} created, {TextFormat.Count(result.UpdatedCount)} updated, "
                + $"{TextFormat.Count(result.DeletedCount)} deleted; {TextFormat.Count(result.TotalCount)} postal codes in all.")
                + $" Map version [bold]{result.MapVersion}[/].");
            return ExitCodes.Success;
        }, error => ImportAdvice(error, parse.GetValue(file)!)));
        return command;
    }

    private static RejectionAdvice? ImportAdvice(GeoAssignException error, FileInfo file) =>
        error.StatusCode == StatusCode.InvalidArgument && RowImport.BadRows(error, file) is { } text
            ? new RejectionAdvice($"Fix these rows (tab-separated: {string.Join(", ", Columns)}) and import again.", text)
            : null;
}
