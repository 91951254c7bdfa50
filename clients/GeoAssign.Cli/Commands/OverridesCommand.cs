// geoassign overrides import|list|get|delete: account overrides, the owners set by hand that win over geography.
using System.CommandLine;
using GeoAssign.Cli.Output;
using GeoAssign.Client;
using Grpc.Core;
using Spectre.Console;

namespace GeoAssign.Cli.Commands;

internal static class OverridesCommand
{
    /// <summary>The columns of the override CSV, as import reads them and list --csv writes them.</summary>
    public static readonly string[] CsvColumns = ["account_id", "owner_id", "territory_id", "valid_from", "valid_until", "protected", "reason"];

    public static Command Build(GlobalOptions global) => new("overrides", """
        Account overrides: owners set by hand for named accounts. While an override is in force, lookups that name the
        account (resolve --account, resolve-csv with an account_id column, reassign) answer with its owner wherever the
        account lies; a protected one keeps the account through realignment.
        """)
    {
        Import(global),
        List(global),
        Get(global),
        Delete(global),
    };

    private static Command Import(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("FILE.csv")
        {
            Description = $"Overrides with the header {string.Join(',', CsvColumns)} (columns in any order; account_id and owner_id required; "
                + "instants ISO-8601 such as 2027-01-01 or 2027-01-01T09:00:00Z, empty for open; protected true/false, empty for false)",
        };
        var replace = new Option<bool>("--replace") { Description = "Make the overrides exactly the file's: accounts not in it lose theirs (default: merge)" };
        var expected = new Option<ulong?>("--expected-version") { Description = "Apply only if the live map is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var message = new Option<string?>("--message") { Description = "Why: recorded with the change (map history)", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("import", "Import account overrides from a CSV file (atomically: every row or none, as one new map version); needs an editor key")
        {
            file, replace, expected, message, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var path = RowImport.Existing(parse.GetValue(file)!);

            var options = new OverrideImportOptions
            {
                Replace = parse.GetValue(replace),
                ExpectedVersion = parse.GetValue(expected),
                Message = parse.GetValue(message),
            };
            var host = global.Host;
            var result = await RowImport.UploadAsync(host, path, progress => client.ImportOverridesAsync(path.FullName, options, progress, token)).ConfigureAwait(false);

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
                    bytes = result.Bytes,
                });
                return ExitCodes.Success;
            }

            host.Out.MarkupLine(Markup.Escape($"Imported {path.Name} ({TextFormat.Bytes(result.Bytes)}, {TextFormat.Count(result.RowCount)} row{(result.RowCount == 1 ? "" : "s")}): "
                + $"{TextFormat.Count(result.CreatedCount)} created, {TextFormat.Count(result.UpdatedCount)} updated, {TextFormat.Count(result.DeletedCount)} deleted.")
                + $" Map version [bold]{result.MapVersion}[/].");
            return ExitCodes.Success;
        }, error => ImportAdvice(error, parse.GetValue(file)!)));
        return command;
    }

    private static RejectionAdvice? ImportAdvice(GeoAssignException error, FileInfo file) =>
        error.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition && RowImport.BadRows(error, file) is { } text
            ? new RejectionAdvice(error.StatusCode == StatusCode.FailedPrecondition
                ? "Create the territories these rows name first, or leave their territory_id empty; then import again."
                : $"Fix these rows (line 1 is the header {string.Join(',', CsvColumns)}) and import again.", text)
            : null;

    private static Command List(GlobalOptions global)
    {
        var owner = new Option<string?>("--owner") { Description = "Only overrides to this owner", HelpName = "OWNER_ID" };
        var expiring = new Option<string?>("--expiring-within")
        {
            Description = "Only overrides in force now that end within this time: 30d, 12h, 90m, 2w, 1d12h",
            HelpName = "DURATION",
        };
        var json = new Option<bool>("--json") { Description = "Print a JSON array" };
        var csv = new Option<FileInfo?>("--csv") { Description = $"Write the overrides to this CSV file ({string.Join(',', CsvColumns)}), as import reads it", HelpName = "OUT.csv" };
        var command = new Command("list", "List account overrides in account id order") { owner, expiring, json, csv };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            if (parse.GetValue(json) && parse.GetValue(csv) is not null)
            {
                throw new CliInputException("--json and --csv are mutually exclusive: print JSON, or write a CSV file.");
            }

            var within = parse.GetValue(expiring) is { } text ? DurationText.Parse("--expiring-within", text) : (TimeSpan?)null;
            var ownerId = parse.GetValue(owner);
            var overrides = client.ListOverridesAsync(string.IsNullOrEmpty(ownerId) ? null : ownerId, within, token);
            var filters = (ownerId is { Length: > 0 } ? $" to {ownerId}" : "") + (within is { } w ? $" expiring within {TextFormat.Duration(w)}" : "");
            if (parse.GetValue(json))
            {
                await JsonOutput.WriteArrayAsync(host, overrides, Json).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (parse.GetValue(csv) is { } target)
            {
                long written = 0;
                await using (var output = CsvOutputFile.Create(target, CsvColumns))
                {
                    await foreach (var entry in overrides.ConfigureAwait(false))
                    {
                        output.Writer.WriteRecord(entry.AccountId, entry.OwnerId, entry.TerritoryId, Instant(entry.ValidFrom), Instant(entry.ValidUntil),
                            TextFormat.Boolean(entry.Protected), entry.Reason);
                        written++;
                    }

                    await output.CommitAsync().ConfigureAwait(false);
                }

                host.Out.MarkupLine(Markup.Escape($"Wrote {TextFormat.Count(written)} override{(written == 1 ? "" : "s")}{filters} to {target.Name}."));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumn("Account").AddColumn("Owner").AddColumn("Territory").AddColumn("Valid from").AddColumn("Valid until")
                .AddColumn("Protected").AddColumn("Reason");
            long count = 0;
            await foreach (var entry in overrides.ConfigureAwait(false))
            {
                table.AddRow(Markup.Escape(entry.AccountId), Markup.Escape(entry.OwnerId), Markup.Escape(entry.TerritoryId ?? ""),
                    Markup.Escape(entry.ValidFrom is { } from ? TextFormat.Time(from) : "(open)"), Markup.Escape(entry.ValidUntil is { } until ? TextFormat.Time(until) : "(open)"),
                    entry.Protected ? "yes" : "no", Markup.Escape(entry.Reason ?? ""));
                count++;
            }

            if (count == 0)
            {
                host.Out.MarkupLine(Markup.Escape($"No overrides{filters}."));
                return ExitCodes.Success;
            }

            host.Out.Write(table);
            host.Out.MarkupLine(Markup.Escape($"{TextFormat.Count(count)} override{(count == 1 ? "" : "s")}{filters}."));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Get(GlobalOptions global)
    {
        var account = new Argument<string>("ACCOUNT") { Description = "The account's id" };
        var json = new Option<bool>("--json") { Description = "Print the override as JSON" };
        var command = new Command("get", "Show one account's override, and whether it is in force") { account, json };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var status = await client.GetOverrideAsync(parse.GetValue(account)!, token).ConfigureAwait(false);
            var entry = status.Override;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new
                {
                    account_id = entry.AccountId,
                    owner_id = entry.OwnerId,
                    territory_id = entry.TerritoryId,
                    valid_from = Instant(entry.ValidFrom),
                    valid_until = Instant(entry.ValidUntil),
                    @protected = entry.Protected,
                    reason = entry.Reason,
                    set_by = entry.SetBy,
                    in_force = status.InForce,
                    map_version = status.MapVersion,
                });
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            grid.AddRow("[bold]Account[/]", Markup.Escape(entry.AccountId));
            grid.AddRow("[bold]Owner[/]", Markup.Escape(entry.OwnerId));
            grid.AddRow("[bold]Territory[/]", Markup.Escape(TextFormat.OrNone(entry.TerritoryId)));
            grid.AddRow("[bold]Valid from[/]", Markup.Escape(entry.ValidFrom is { } from ? TextFormat.Time(from) : "(always was)"));
            grid.AddRow("[bold]Valid until[/]", Markup.Escape(entry.ValidUntil is { } until ? TextFormat.Time(until) : "(open-ended)"));
            grid.AddRow("[bold]In force[/]", status.InForce ? "yes" : "no");
            grid.AddRow("[bold]Protected[/]", entry.Protected ? "yes (kept through realignment)" : "no");
            grid.AddRow("[bold]Reason[/]", Markup.Escape(TextFormat.OrNone(entry.Reason)));
            grid.AddRow("[bold]Set by[/]", Markup.Escape(TextFormat.OrNone(entry.SetBy)));
            grid.AddRow("[bold]Map version[/]", status.MapVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            host.Out.Write(grid);
            return ExitCodes.Success;
        }, error => error.StatusCode == StatusCode.NotFound
            ? new RejectionAdvice("`geoassign overrides list` shows the accounts that have an override.")
            : null));
        return command;
    }

    private static Command Delete(GlobalOptions global)
    {
        var accounts = new Argument<string[]>("ACCOUNT") { Description = "Ids of the accounts whose overrides to delete", Arity = ArgumentArity.OneOrMore };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "Skip accounts without an override instead of failing" };
        var expected = new Option<ulong?>("--expected-version") { Description = "Apply only if the live map is at this version (optimistic concurrency)", HelpName = "VERSION" };
        var message = new Option<string?>("--message") { Description = "Why: recorded with the change (map history)", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("delete", "Delete account overrides (atomically, as one new map version); needs an editor key")
        {
            accounts, allowMissing, expected, message, json,
        };
        command.SetAction((parse, cancellationToken) => global.RunAsync(parse, cancellationToken, async (client, settings, token) =>
        {
            var host = global.Host;
            var result = await client.DeleteOverridesAsync(parse.GetValue(accounts)!, parse.GetValue(allowMissing), parse.GetValue(expected),
                parse.GetValue(message), token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(host, new { map_version = result.MapVersion, deleted = result.DeletedCount });
                return ExitCodes.Success;
            }

            host.Out.MarkupLine(Markup.Escape($"Deleted {TextFormat.Count(result.DeletedCount)} override{(result.DeletedCount == 1 ? "" : "s")}.")
                + $" Map version [bold]{result.MapVersion}[/].");
            return ExitCodes.Success;
        }, error => error.StatusCode == StatusCode.NotFound
            ? new RejectionAdvice("Nothing was deleted. Pass --allow-missing to skip accounts without an override; `geoassign overrides list` shows them.")
            : null));
        return command;
    }

    private static object Json(AccountOverride entry) => new
    {
        account_id = entry.AccountId,
        owner_id = entry.OwnerId,
        territory_id = entry.TerritoryId,
        valid_from = Instant(entry.ValidFrom),
        valid_until = Instant(entry.ValidUntil),
        @protected = entry.Protected,
        reason = entry.Reason,
        set_by = entry.SetBy,
    };

    private static string? Instant(DateTimeOffset? instant) => instant is { } value ? TextFormat.Iso(value) : null;
}
