// What GetMapInfo reports about the map a replica serves.
namespace GeoAssign.Client;

/// <summary>The map a replica serves: version, layers, replication state and limits. Immutable.</summary>
/// <param name="MapVersion">The map version served.</param>
/// <param name="TerritoryCount">Territories, all layers together.</param>
/// <param name="Layers">One entry per layer that holds a territory, by name.</param>
/// <param name="Replica">The replica and its replication state.</param>
/// <param name="Limits">The limits the server enforces.</param>
public sealed record MapInfo(ulong MapVersion, int TerritoryCount, IReadOnlyList<LayerInfo> Layers, ReplicaInfo Replica, ServerLimits Limits)
{
    /// <summary>The postal codes of the map's gazetteer, one entry per country that has any, by country code; empty when there are none.</summary>
    public IReadOnlyList<GazetteerCountry> Gazetteer { get; init; } = [];
}

/// <summary>The postal codes of one country in the gazetteer. Immutable.</summary>
/// <param name="Country">ISO 3166-1 alpha-2, upper case.</param>
/// <param name="PostalCodeCount">Postal codes of the country.</param>
public sealed record GazetteerCountry(string Country, long PostalCodeCount);

/// <summary>Index statistics of one layer. Immutable.</summary>
/// <param name="Layer">Layer name.</param>
/// <param name="TerritoryCount">Territories in the layer.</param>
/// <param name="VertexCount">Vertices of all its geometries.</param>
/// <param name="FinestResolution">The finest H3 resolution of its index.</param>
/// <param name="BoundaryCellShare">Share of finest-resolution cells that need the exact test.</param>
/// <param name="IndexBytes">Approximate memory of its index.</param>
/// <param name="BuildDuration">How long its last (re)build took.</param>
/// <param name="BuiltVersion">The map version of its last (re)build.</param>
/// <param name="Cells">Stored cells per resolution, coarsest first.</param>
public sealed record LayerInfo(
    string Layer,
    int TerritoryCount,
    long VertexCount,
    int FinestResolution,
    double BoundaryCellShare,
    long IndexBytes,
    TimeSpan BuildDuration,
    ulong BuiltVersion,
    IReadOnlyList<ResolutionCells> Cells);

/// <summary>Stored cells of one H3 resolution in a layer's index. Immutable.</summary>
/// <param name="Resolution">H3 resolution.</param>
/// <param name="InteriorCells">Interior cells (compacted).</param>
/// <param name="BoundaryCells">Boundary cells.</param>
public sealed record ResolutionCells(int Resolution, long InteriorCells, long BoundaryCells);

/// <summary>A replica and how far it is behind its store. Immutable.</summary>
/// <param name="ReplicaId">The replica's id.</param>
/// <param name="StoreKind">Where the map comes from: <c>embedded</c> or <c>redis</c>.</param>
/// <param name="State">Replication state: <c>serving</c>, <c>catching_up</c> or <c>degraded</c>.</param>
/// <param name="StoreVersion">The latest version (of the live map or of a plan) the replica knows the store holds.</param>
/// <param name="LagVersions">Versions behind the store.</param>
/// <param name="Lag">How long it has known of a version it has not applied.</param>
/// <param name="LastSyncTime">When it last confirmed it was up to date; <see langword="null"/> if never.</param>
/// <param name="LastError">The store's last error while degraded or catching up; else <see langword="null"/>.</param>
/// <param name="AppliedVersion">The last version the replica applied, of the live map or of a plan: at least <see cref="MapInfo.MapVersion"/>,
/// higher when plans changed since. Read-your-writes and lag are measured on it.</param>
public sealed record ReplicaInfo(
    string ReplicaId,
    string StoreKind,
    string State,
    ulong StoreVersion,
    ulong LagVersions,
    TimeSpan Lag,
    DateTimeOffset? LastSyncTime,
    string? LastError,
    ulong AppliedVersion);

/// <summary>The limits a server enforces. Immutable.</summary>
/// <param name="MaxMessageBytes">Largest request message.</param>
/// <param name="MaxPointsPerMessage">Most points or accounts per message.</param>
/// <param name="MaxTerritoriesPerEdit">Most territories or ids per edit.</param>
/// <param name="MaxTerritoriesPerMap">Most territories in the map.</param>
/// <param name="MaxVerticesPerTerritory">Most vertices in one territory.</param>
/// <param name="MaxAttributesBytes">Largest attributes as compact JSON.</param>
/// <param name="MaxImportBytes">Largest streamed GeoJSON import.</param>
/// <param name="MaxPageSize">Largest ListTerritories page.</param>
/// <param name="MinVersionWait">Longest a lookup waits for its min_version.</param>
public sealed record ServerLimits(
    long MaxMessageBytes,
    int MaxPointsPerMessage,
    int MaxTerritoriesPerEdit,
    int MaxTerritoriesPerMap,
    int MaxVerticesPerTerritory,
    int MaxAttributesBytes,
    long MaxImportBytes,
    int MaxPageSize,
    TimeSpan MinVersionWait);
