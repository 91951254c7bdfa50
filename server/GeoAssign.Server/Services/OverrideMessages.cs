// Translation between account overrides and their messages.
using GeoAssign.Protos.V1;
using Google.Protobuf.WellKnownTypes;
using DomainOverride = GeoAssign.Index.Accounts.AccountOverride;

namespace GeoAssign.Server.Services;

/// <summary>Account overrides to and from their messages. Stateless; thread-safe.</summary>
internal static class OverrideMessages
{
    public static AccountOverride ToMessage(DomainOverride entry)
    {
        var message = new AccountOverride
        {
            AccountId = entry.AccountId,
            OwnerId = entry.OwnerId,
            TerritoryId = entry.TerritoryId ?? "",
            Protected = entry.Protected,
            Reason = entry.Reason,
            SetBy = entry.SetBy,
        };
        if (entry.ValidFrom is { } from)
        {
            message.ValidFrom = Timestamp.FromDateTimeOffset(from);
        }

        if (entry.ValidUntil is { } until)
        {
            message.ValidUntil = Timestamp.FromDateTimeOffset(until);
        }

        return message;
    }

    /// <summary>
    /// The override a message describes, set by <paramref name="setBy"/>; INVALID_ARGUMENT naming
    /// <c>overrides[index]</c> for a timestamp out of range (the validator checks the rest).
    /// </summary>
    public static DomainOverride FromMessage(AccountOverride message, int index, string setBy) => new()
    {
        AccountId = message.AccountId,
        OwnerId = message.OwnerId,
        TerritoryId = message.TerritoryId.Length == 0 ? null : message.TerritoryId,
        ValidFrom = Instant(message.ValidFrom, $"overrides[{index}].valid_from"),
        ValidUntil = Instant(message.ValidUntil, $"overrides[{index}].valid_until"),
        Protected = message.Protected,
        Reason = message.Reason,
        SetBy = setBy,
    };

    private static DateTimeOffset? Instant(Timestamp? timestamp, string field)
    {
        if (timestamp is null)
        {
            return null;
        }

        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (InvalidOperationException e)
        {
            throw RpcErrors.InvalidArgument($"{field} is not a valid instant: {e.Message}");
        }
    }
}
