// geoassign gazetteer import | get | list: postal codes for resolving addresses (ResolveAddress, resolve-csv).
using System.CommandLine;
using System.Globalization;
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
        Get(global),
        List(global),
    };

    /// <summary>The columns of <c>gazetteer list --csv</c>.</summary>
    public static readonly string[] CsvColumns = ["country", "postal_code", "lat", "lng", "place_name", "admin_name1", "admin_code1", "accuracy"];

    private static Command Get(GlobalOptions global)
    {
        var country = new Argument<string>("COUNTRY") { Description = "ISO 3166-1 alpha-2 country code, any case (US, gb)" };
        var code = new Argument<string>("CODE") { Description = "The postal code as written (02139-4307, \"sw1a 1aa\"); the server normalises it for the country" };
        var json = new Option<bool>("--json") { Description = "Print the entry as JSON" };
        var views = new MapViewOptions();
        var command = new Command("get", "Show one postal code of the gazetteer: its normal form, point, place and state") { country, code, json };
        views.AddTo(command);
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var view = views.Read(parse);
            var entry = await client.GetPostalCodeAsync(parse.GetValue(country)!, parse.GetValue(code)!, view, token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, Json(entry));
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Postal code[/]", Markup.Escape($"{entry.Country} {entry.PostalCode}"));
            grid.AddRow("[bold]Point[/]", Markup.Escape($"({TextFormat.Number(entry.Lat)}, {TextFormat.Number(entry.Lng)})"));
            grid.AddRow("[bold]Place[/]", Markup.Escape(TextFormat.OrNone(entry.PlaceName)));
            grid.AddRow("[bold]State[/]", Markup.Escape(entry.AdminName1 is null && entry.AdminCode1 is null ? "(none)"
                : string.Join(" ", new[] { entry.AdminName1, entry.AdminCode1 is null ? null : $"({entry.AdminCode1})" }.Where(p => p is not null))));
            grid.AddRow("[bold]Accuracy[/]", Markup.Escape(Accuracy(entry.Accuracy)));
            if (!view.IsLive)
            {
                grid.AddRow("[bold]Read from[/]", Markup.Escape(view.ToString()));
            }

            host.Out.Write(grid);
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(views.Plan))));
        return command;
    }

    private static Command List(GlobalOptions global)
    {
        var country = new Argument<string>("COUNTRY") { Description = "ISO 3166-1 alpha-2 country code, any case (US, gb)" };
        var prefix = new Option<string?>("--prefix") { Description = "Only codes whose normal form starts with this (sw1a lists SW1A 0AA, SW1A 1AA, …)", HelpName = "P" };
        var pageSize = new Option<int?>("--page-size") { Description = "Codes per request [default: the client's page size; the server caps it]", HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print the codes as a JSON array" };
        var csv = new Option<FileInfo?>("--csv") { Description = $"Write the codes to this CSV file ({string.Join(',', CsvColumns)})", HelpName = "OUT.csv" };
        var views = new MapViewOptions();
        var command = new Command("list", "List a country's postal codes in order of their normal form, page by page") { country, prefix, pageSize, json, csv };
        views.AddTo(command);
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            if (parse.GetValue(json) && parse.GetValue(csv) is not null)
            {
                throw new CliInputException("--json and --csv are mutually exclusive: print JSON, or write a CSV file.");
            }

            if (parse.GetValue(pageSize) is < 1)
            {
                throw new CliInputException($"--page-size {parse.GetValue(pageSize)} is not a positive number of codes.");
            }

            var view = views.Read(parse);
            var countryCode = parse.GetValue(country)!;
            var start = parse.GetValue(prefix);
            var filter = string.IsNullOrWhiteSpace(start) ? "" : $" starting with \"{start.Trim()}\"";
            var pages = client.ListPostalCodePagesAsync(countryCode, start, view, parse.GetValue(pageSize), token);
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteArrayAsync(host, Entries(pages), Json).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (parse.GetValue(csv) is { } target)
            {
                // The bar follows codes read out of the country's count: with a prefix it ends early, at the last page.
                long total = 0;
                ulong version = 0;
                var progress = new RowProgress();
                await using (var output = CsvOutputFile.Create(target, CsvColumns))
                {
                    await progress.RunAsync(host.Error, $"Listing {countryCode.Trim().ToUpperInvariant()} postal codes", 1, () => progress.Rows, async () =>
                    {
                        await foreach (var page in pages.ConfigureAwait(false))
                        {
                            Interlocked.Exchange(ref total, page.CountryCount);
                            version = page.MapVersion;
                            foreach (var entry in page.PostalCodes)
                            {
                                output.Writer.WriteRecord(entry.Country, entry.PostalCode, entry.Lat.ToString("R", CultureInfo.InvariantCulture),
                                    entry.Lng.ToString("R", CultureInfo.InvariantCulture), entry.PlaceName, entry.AdminName1, entry.AdminCode1,
                                    entry.Accuracy.ToString(CultureInfo.InvariantCulture));
                            }

                            progress.Add(page.PostalCodes.Count);
                        }

                        return 0;
                    }, totalNow: () => Interlocked.Read(ref total)).ConfigureAwait(false);
                    await output.CommitAsync().ConfigureAwait(false);
                }

                var written = progress.Rows;
                host.Out.MarkupLine(Markup.Escape($"Wrote {TextFormat.Count(written)} postal code{(written == 1 ? "" : "s")}{filter} to {target.Name}"
                    + (version == 0 ? "." : $" (map version {version}).")));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("Code").AddColumn("Place").AddColumn("State").AddColumn(new TableColumn("Lat").RightAligned())
                .AddColumn(new TableColumn("Lng").RightAligned());
            long count = 0;
            ulong lastVersion = 0;
            await foreach (var page in pages.ConfigureAwait(false))
            {
                lastVersion = page.MapVersion;
                foreach (var entry in page.PostalCodes)
                {
                    table.AddRow(Markup.Escape(entry.PostalCode), Markup.Escape(entry.PlaceName ?? ""), Markup.Escape(entry.AdminCode1 ?? entry.AdminName1 ?? ""),
                        TextFormat.Number(entry.Lat), TextFormat.Number(entry.Lng));
                    count++;
                }
            }

            if (count == 0)
            {
                host.Out.MarkupLine(Markup.Escape($"No postal codes of {countryCode.Trim().ToUpperInvariant()}{filter}."));
                return ExitCodes.Success;
            }

            host.Out.Write(table);
            host.Out.MarkupLine(Markup.Escape($"{TextFormat.Count(count)} postal code{(count == 1 ? "" : "s")}{filter}; map version {lastVersion}."));
            return ExitCodes.Success;
        }, error => PlanAdvice.ForPlan(error, parse.GetValue(views.Plan))));
        return command;
    }

    // The entries of the pages in order, one page in memory at a time.
    private static async IAsyncEnumerable<PostalCodeLocation> Entries(IAsyncEnumerable<PostalCodePage> pages)
    {
        await foreach (var page in pages.ConfigureAwait(false))
        {
            foreach (var entry in page.PostalCodes)
            {
                yield return entry;
            }
        }
    }

    private static object Json(PostalCodeLocation entry) => new
    {
        country = entry.Country,
        postal_code = entry.PostalCode,
        lat = entry.Lat,
        lng = entry.Lng,
        place_name = entry.PlaceName,
        admin_name1 = entry.AdminName1,
        admin_code1 = entry.AdminCode1,
        accuracy = entry.Accuracy,
    };

    private static string Accuracy(int accuracy) => accuracy switch
    {
        0 => "unknown",
        1 => "1 (estimated)",
        4 => "4 (GeoNames id)",
        6 => "6 (centroid)",
        _ => accuracy.ToString(CultureInfo.InvariantCulture),
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
