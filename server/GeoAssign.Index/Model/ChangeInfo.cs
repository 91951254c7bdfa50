// Who made a change, when, and why: what the history of the live map shows for each version.
namespace GeoAssign.Index.Model;

/// <summary>
/// When a change was made, by whom (the API key's name, or empty when the server runs without keys)
/// and with what message. Immutable.
/// </summary>
/// <param name="Time">When the change took effect: when it was appended, or a scheduled activation's instant.</param>
/// <param name="Author">Who made it; empty when unknown.</param>
/// <param name="Message">Why, in the author's words; empty when none was given.</param>
public sealed record ChangeInfo(DateTimeOffset Time, string Author = "", string Message = "")
{
    /// <summary>No time, author or message: a change made before changes carried them.</summary>
    public static ChangeInfo None { get; } = new(DateTimeOffset.UnixEpoch);
}
