// One version in the history of the live map.
namespace GeoAssign.Client;

/// <summary>One version of the live map, as its history lists it. Immutable.</summary>
/// <param name="Version">The version.</param>
/// <param name="Time">When it took effect (for a scheduled activation, its instant).</param>
/// <param name="Author">The name of the API key that made it; <see langword="null"/> without keys.</param>
/// <param name="Message">The message given with the change; <see langword="null"/> when none.</param>
/// <param name="UpsertedCount">Territories it created or replaced.</param>
/// <param name="DeletedCount">Territories it deleted.</param>
/// <param name="ActivatedPlan">The plan it made live, when it was an activation; else <see langword="null"/>.</param>
public sealed record MapVersionInfo(
    ulong Version,
    DateTimeOffset Time,
    string? Author,
    string? Message,
    int UpsertedCount,
    int DeletedCount,
    string? ActivatedPlan);
