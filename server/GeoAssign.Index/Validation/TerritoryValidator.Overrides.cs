// Validation of the account overrides a change sets or removes.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Validation;

public sealed partial class TerritoryValidator
{
    /// <summary>Longest override reason, in characters.</summary>
    public const int MaxOverrideReasonLength = 1024;

    // Each override names a well-formed account and owner, a validity window that is not empty, a
    // reason of a sane length and (when it counts toward one) a territory the map has; an account is set
    // or removed once per change. Problems name the override by its index in the change's upserts.
    private void CheckOverrides(MapChange change, Func<string, bool> territoryExists, ProblemCollector problems)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < change.OverrideUpserts.Count; i++)
        {
            var entry = change.OverrideUpserts[i];
            void Problem(ValidationProblemKind kind, string detail, string? fix = null) =>
                problems.Add(new ValidationProblem(kind, entry.AccountId.Length == 0 ? null : entry.AccountId, i, detail) { Fix = fix });

            if (TerritoryNames.IdProblem(entry.AccountId) is { } accountProblem)
            {
                Problem(ValidationProblemKind.InvalidOverride, $"account_id: {accountProblem}");
            }
            else if (!seen.TryAdd(entry.AccountId, i))
            {
                Problem(ValidationProblemKind.InvalidOverride, $"the account is set twice in one change (also at overrides[{seen[entry.AccountId]}])", "set each account once");
            }

            if (TerritoryNames.IdProblem(entry.OwnerId) is { } ownerProblem)
            {
                Problem(ValidationProblemKind.InvalidOverride, $"owner_id: {ownerProblem}", "name the owner the account belongs to");
            }

            if (entry.ValidFrom is { } from && entry.ValidUntil is { } until && until <= from)
            {
                Problem(ValidationProblemKind.InvalidOverride, $"valid_until {until:O} is not after valid_from {from:O}", "leave either end open, or make the window longer than nothing");
            }

            if (entry.Reason.Length > MaxOverrideReasonLength)
            {
                Problem(ValidationProblemKind.InvalidOverride, $"the reason is {entry.Reason.Length} characters long; at most {MaxOverrideReasonLength}");
            }

            if (entry.TerritoryId is { } territory && !territoryExists(territory))
            {
                Problem(ValidationProblemKind.UnknownOverrideTerritory, $"territory_id \"{TerritoryNames.Shorten(territory)}\" names no territory of the map",
                    "leave territory_id empty, or create the territory first");
            }
        }

        if ((change.HasOverrides) && change.Plan is not null)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.InvalidOverride, null, null,
                "account overrides belong to the live map; a change of a plan cannot set them")
            {
                Fix = "set overrides without a plan: plans and their previews use the live map's",
            });
        }
   
        if (change.HasGazetteer && change.Plan is not null)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.InvalidOverride, null, null,
                "postal codes belong to the live map; a change of a plan cannot set them")
            {
                Fix = "import postal codes without a plan: plans use the live map's gazetteer",
            });
        }
    }
}
