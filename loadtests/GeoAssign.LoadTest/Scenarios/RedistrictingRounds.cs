// The plans the activate scenario makes: a layer redistricted, then restored, round after round.
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GeoAssign.Testing;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Implementation;
using NetTopologySuite.IO.Converters;
using IndexTerritory = GeoAssign.Index.Model.Territory;
using ProtoTerritory = GeoAssign.Protos.V1.Territory;

namespace GeoAssign.LoadTest.Scenarios;

/// <summary>What one round changes: the territories to write into its plan.</summary>
/// <param name="Round">0, 1, 2, ...: even rounds redistrict, odd rounds restore.</param>
/// <param name="Restores">Whether the round puts back the territories the round before changed.</param>
/// <param name="Territories">The changed territories, whole (every field), as the plan should hold them.</param>
/// <param name="Reassigned">How many of them only get another owner.</param>
/// <param name="BorderMoves">How many borders move (two territories each).</param>
internal sealed record RoundChange(int Round, bool Restores, IReadOnlyList<ProtoTerritory> Territories, int Reassigned, int BorderMoves);

/// <summary>
/// Rounds of redistricting of one layer as the server holds it. Even rounds change
/// <c>share</c> of its territories with <see cref="RedistrictingPlans"/> (a new seed each time):
/// borders moved between neighbours (a disc of 3 km around a shared vertex passes from one to the
/// other) and other owners for the rest. Odd rounds restore the territories the round before changed,
/// so each round changes as many territories, and the map never drifts from the one read at the start.
/// Not thread-safe.
/// </summary>
internal sealed class RedistrictingRounds
{
    private static readonly JsonSerializerOptions GeometryJson = CreateGeometryJson();

    private readonly Dictionary<string, ProtoTerritory> _base;
    private readonly IReadOnlyList<IndexTerritory> _map;
    private readonly int _seed;
    private RoundChange? _current;
    private RoundChange? _previous;

    private RedistrictingRounds(Dictionary<string, ProtoTerritory> territories, IReadOnlyList<IndexTerritory> map, int changes, int borderMoves, int seed)
    {
        _base = territories;
        _map = map;
        _seed = seed;
        BorderMoveCount = borderMoves;
        ReassignCount = Math.Max(0, changes - (2 * borderMoves));
    }

    /// <summary>Territories of the layer.</summary>
    public int TerritoryCount => _map.Count;

    /// <summary>Territories a redistricting round reassigns.</summary>
    public int ReassignCount { get; }

    /// <summary>Borders a redistricting round moves.</summary>
    public int BorderMoveCount { get; }

    /// <summary>The round to make next (the same one until <see cref="Advance"/>).</summary>
    public int Round { get; private set; }

    /// <summary>
    /// Rounds over <paramref name="territories"/> (one layer, as ListTerritories returns them with
    /// geometry): each changes <paramref name="share"/> of them, <paramref name="borderMoves"/> moved
    /// borders among them (at most a quarter of the changes).
    /// </summary>
    /// <exception cref="FormatException">A geometry is not GeoJSON.</exception>
    public static RedistrictingRounds Create(IReadOnlyList<ProtoTerritory> territories, double share, int borderMoves, int seed)
    {
        ArgumentNullException.ThrowIfNull(territories);
        var byId = new Dictionary<string, ProtoTerritory>(StringComparer.Ordinal);
        var map = new List<IndexTerritory>(territories.Count);
        foreach (var territory in territories)
        {
            byId[territory.Id] = territory;
            map.Add(new IndexTerritory
            {
                Id = territory.Id,
                OwnerId = territory.OwnerId,
                Layer = territory.Layer.Length == 0 ? IndexTerritory.DefaultLayer : territory.Layer,
                Priority = territory.Priority,
                Geometry = ReadGeometry(territory.GeometryGeojson, territory.Id),
            });
        }

        var changes = Math.Max(1, (int)Math.Round(share * territories.Count));
        return new RedistrictingRounds(byId, map, changes, Math.Min(borderMoves, changes / 4), seed);
    }

    /// <summary>The change of round <see cref="Round"/>: computed once, the same until <see cref="Advance"/>.</summary>
    public RoundChange Current()
    {
        if (_current is { } current)
        {
            return current;
        }

        if (Round % 2 == 1 && _previous is { } changed)
        {
            _current = new RoundChange(Round, true, [.. changed.Territories.Select(t => _base[t.Id])], changed.Reassigned, changed.BorderMoves);
            return _current;
        }

        var plan = RedistrictingPlans.Redistrict(_map, ReassignCount, BorderMoveCount, _seed + (Round / 2));
        var moved = plan.BorderMoves.SelectMany(m => new[] { m.Gainer, m.Loser }).ToHashSet(StringComparer.Ordinal);
        var territories = new List<ProtoTerritory>();
        foreach (var territory in plan.Plan)
        {
            if (!plan.ChangedIds.Contains(territory.Id))
            {
                continue;
            }

            var changedTerritory = _base[territory.Id].Clone();
            changedTerritory.OwnerId = territory.OwnerId;
            if (moved.Contains(territory.Id))
            {
                changedTerritory.GeometryGeojson = JsonSerializer.Serialize(territory.Geometry, GeometryJson);
            }

            territories.Add(changedTerritory);
        }

        _current = new RoundChange(Round, false, territories, plan.Reassigned.Count, plan.BorderMoves.Count);
        return _current;
    }

    /// <summary>The current round went live: the next one restores it (or redistricts anew).</summary>
    public void Advance()
    {
        _previous = Current();
        _current = null;
        Round++;
    }

    private static Geometry ReadGeometry(string geoJson, string id)
    {
        try
        {
            return JsonSerializer.Deserialize<Geometry>(geoJson, GeometryJson) ?? throw new FormatException($"Territory {id} has no geometry.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"The geometry of territory {id} is not GeoJSON: {e.Message}", e);
        }
    }

    // As the server reads and writes territories: WGS84, floating precision, rings as given.
    private static JsonSerializerOptions CreateGeometryJson()
    {
        var factory = new NtsGeometryServices(PackedCoordinateSequenceFactory.DoubleFactory, PrecisionModel.Floating.Value, 4326).CreateGeometryFactory();
        var options = new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        options.Converters.Add(new GeoJsonConverterFactory(factory, false, "id", RingOrientationOption.DoNotModify));
        options.MakeReadOnly();
        return options;
    }
}
