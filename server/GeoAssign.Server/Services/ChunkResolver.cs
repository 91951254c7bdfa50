// Resolves a column chunk of points (or postal codes) against one layer of one map version.
using GeoAssign.Index;
using GeoAssign.Index.Accounts;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Gazetteer;
using GeoAssign.Protos.V1;
using GeoAssign.Server.Maps;
using GeoAssign.Server.Telemetry;
using Google.Protobuf.Collections;
using Grpc.Core;
using AccountOverride = GeoAssign.Index.Accounts.AccountOverride;

namespace GeoAssign.Server.Services;

/// <summary>
/// Answers chunks of points from one layer of one map version, as AssignmentChunks: each territory a
/// chunk hits is listed once and points refer to it by position; a point whose account has an
/// override in force gets the override's owner; a postal-code row is answered at its gazetteer point,
/// each entry listed once like the territories. The per-point loop allocates nothing (the
/// territories' and overrides' messages are built once per call and shared by its chunks). One per
/// call; not thread-safe.
/// </summary>
internal sealed class ChunkResolver
{
    private readonly LayerIndex _index;
    private readonly OverrideBook _overrides;
    private readonly long _atTicks;
    // Made on first use: a single-point call (Resolve, ResolveAddress, Reassign) needs none of them.
    private Dictionary<IndexedTerritory, AssignedTerritory>? _messages;
    private Dictionary<IndexedTerritory, uint>? _refs;
    // By account id: an account has one override in a book, so its answer is listed once per chunk.
    private Dictionary<string, uint>? _overrideRefs;
    private Dictionary<PostalCodeEntry, uint>? _locationRefs;
    private readonly PostalGazetteer _gazetteer;

    private ChunkResolver(TerritoryMap map, string layer, LayerIndex index, OverrideBook overrides, long atTicks, PostalGazetteer gazetteer)
    {
        Map = map;
        Layer = layer;
        _index = index;
        _overrides = overrides;
        _atTicks = atTicks;
        _gazetteer = gazetteer;
    }

    public TerritoryMap Map { get; }

    public string Layer { get; }

    /// <summary>A resolver for the layer of the target; NOT_FOUND (with the map version) when the layer holds no territory.</summary>
    public static ChunkResolver For(LookupTarget target, string layer) =>
        new(target.Map, layer, IndexOf(target.Map, layer), target.Overrides, target.Ticks, target.Gazetteer);

    /// <summary>The override of <paramref name="accountId"/> in force at the resolver's instant (none for an empty id).</summary>
    public bool TryGetOverride(string accountId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out AccountOverride entry)
    {
        entry = null;
        return accountId.Length != 0 && _overrides.TryGetInForce(accountId, _atTicks, out entry);
    }

    /// <summary>The layer's index; NOT_FOUND (with the map version) when the layer holds no territory.</summary>
    public static LayerIndex IndexOf(TerritoryMap map, string layer) =>
        map.Layers.TryGetValue(layer, out var index)
            ? index
            : throw RpcErrors.WithMapVersion(StatusCode.NotFound,
                $"The layer \"{layer}\" holds no territory at map version {map.Version}.", map.Version);

    /// <summary>
    /// Checks a chunk: at most <paramref name="maxPoints"/> rows, columns of one length, every
    /// coordinate valid, every postal-code row a two-letter country and a well-formed code, no row with
    /// both or neither (see PointChunk in assignment.proto). The message names the stream-wide index of
    /// the first bad row. Returns the postal-code rows' keys in their normal form (default for a point
    /// row), or null when the chunk has no postal-code columns.
    /// </summary>
    public static PostalKey[]? Check(PointChunk? points, long firstIndex, int maxPoints)
    {
        if (points is null)
        {
            return null;
        }

        var count = points.Count;
        if (count > maxPoints)
        {
            throw RpcErrors.ResourceExhausted($"The message has {count} points; the limit is {maxPoints} per message (GeoAssign:MaxPointsPerMessage). Send smaller chunks.");
        }

        var postal = points.Countries.Count != 0 || points.PostalCodes.Count != 0;
        if (postal && points.PostalCodes.Count != points.Countries.Count)
        {
            throw RpcErrors.InvalidArgument($"points has {points.Countries.Count} countries but {points.PostalCodes.Count} postal_codes; give one of each per row (empty for a point row) or none.");
        }

        if (postal && points.Lat.Count != 0 && points.Lat.Count != count)
        {
            throw RpcErrors.InvalidArgument($"points has {points.Countries.Count} countries but {points.Lat.Count} lat values; give one per row (0 for a postal-code row) or none.");
        }

        if (points.Lng.Count != points.Lat.Count)
        {
            throw RpcErrors.InvalidArgument($"points has {points.Lat.Count} lat values but {points.Lng.Count} lng values; the columns must have one length.");
        }

        if (points.Ids.Count != 0 && points.Ids.Count != count)
        {
            throw RpcErrors.InvalidArgument($"points has {count} coordinates but {points.Ids.Count} ids; give one id per point or none.");
        }

        if (points.AccountIds.Count != 0 && points.AccountIds.Count != count)
        {
            throw RpcErrors.InvalidArgument($"points has {count} coordinates but {points.AccountIds.Count} account_ids; give one per point (empty for none) or none.");
        }

        var lat = points.Lat;
        var lng = points.Lng;
        if (!postal)
        {
            for (var i = 0; i < count; i++)
            {
                if (RequestChecks.PointProblem(lat[i], lng[i]) is { } problem)
                {
                    throw RpcErrors.InvalidArgument($"points[{firstIndex + i}]: {problem}.");
                }
            }

            return null;
        }

        return CheckPostal(points, firstIndex);
    }

    // The rows of a chunk with postal-code columns: each a postal code (lat, lng 0 when present) or a point.
    private static PostalKey[] CheckPostal(PointChunk points, long firstIndex)
    {
        var count = points.Count;
        var keys = new PostalKey[count];
        var hasPoints = points.Lat.Count != 0;
        for (var i = 0; i < count; i++)
        {
            var country = points.Countries[i];
            var code = points.PostalCodes[i];
            if (country.Length != 0)
            {
                var normalCountry = PostalCodes.NormalizeCountry(country) ?? throw RpcErrors.InvalidArgument(
                    $"points[{firstIndex + i}]: country \"{RequestChecks.Shorten(country)}\" is not an ISO 3166-1 alpha-2 code (two letters, such as US or GB).");
                var normalCode = PostalCodes.Normalize(normalCountry, code) ?? throw RpcErrors.InvalidArgument(code.Trim().Length == 0
                    ? $"points[{firstIndex + i}]: the postal code is empty; a row with a country needs its postal code."
                    : $"points[{firstIndex + i}]: postal code \"{RequestChecks.Shorten(code)}\" is not a postal code (at most {PostalCodes.MaxLength} characters, no control characters).");
                if (hasPoints && (points.Lat[i] != 0 || points.Lng[i] != 0))
                {
                    throw RpcErrors.InvalidArgument(
                        $"points[{firstIndex + i}] has both a point and a postal code; give one (a postal-code row has lat and lng 0, or no lat and lng columns).");
                }

                keys[i] = new PostalKey(normalCountry, normalCode);
            }
            else if (code.Length != 0)
            {
                throw RpcErrors.InvalidArgument($"points[{firstIndex + i}] has a postal code but no country; give both, or a point.");
            }
            else if (!hasPoints)
            {
                throw RpcErrors.InvalidArgument($"points[{firstIndex + i}] has neither a point nor a postal code.");
            }
            else if (RequestChecks.PointProblem(points.Lat[i], points.Lng[i]) is { } problem)
            {
                throw RpcErrors.InvalidArgument($"points[{firstIndex + i}]: {problem}.");
            }
        }

        return keys;
    }

    /// <summary>
    /// Answers a checked chunk; <paramref name="postal"/> is what <see cref="Check"/> returned for it. A postal-code
    /// row is answered at its gazetteer point (reason POSTAL_CODE when a territory covers it), or with
    /// POSTAL_CODE_NOT_FOUND when the gazetteer does not know the code.
    /// </summary>
    public AssignmentChunk Resolve(PointChunk? points, PostalKey[]? postal, ref ReasonCounts counts)
    {
        var chunk = new AssignmentChunk { MapVersion = (ulong)Map.Version, Layer = Layer };
        if (points is null || points.Count == 0)
        {
            return chunk;
        }

        var count = points.Count;
        var lat = points.Lat;
        var lng = points.Lng;
        var refs = chunk.TerritoryRefs;
        var reasons = chunk.Reasons;
        refs.Capacity = count;
        reasons.Capacity = count;
        _refs?.Clear();
        _overrideRefs?.Clear();
        var accounts = points.AccountIds;
        var overrideRefs = chunk.OverrideRefs;
        var anyOverride = false;
        var locationRefs = chunk.LocationRefs;
        if (postal is not null)
        {
            _locationRefs?.Clear();
            locationRefs.Capacity = count;
        }

        // The hashes of the accounts from i to i + PrefetchDistance, each computed once for its hints and lookup.
        Span<ulong> hashes = stackalloc ulong[8];
        if (accounts.Count != 0)
        {
            for (var ahead = 0; ahead < OverrideBook.PrefetchDistance && ahead < count; ahead++)
            {
                hashes[ahead] = OverrideBook.HashOf(accounts[ahead]);
                _overrides.Prefetch(accounts[ahead], hashes[ahead], OverrideBook.PrefetchDistance);
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (accounts.Count != 0)
            {
                PrefetchAhead(accounts, hashes, i, count);
            }

            LayerAssignment assignment;
            uint locationRef = 0;
            // Point rows never read the postal columns: a chunk without them (postal null) takes the first branch.
            if (postal is null || postal[i].Country is null)
            {
                assignment = _index.Resolve(lat[i], lng[i]);
            }
            else if (_gazetteer.TryGet(postal[i].Country, postal[i].Code, out var location))
            {
                locationRef = LocationRefOf(chunk, location);
                assignment = _index.Resolve(location.Lat, location.Lng);
            }
            else
            {
                // An unknown code is this row's answer: no territory, no owner, no override.
                counts.AddPostalCodeNotFound();
                locationRefs.Add(0);
                refs.Add(0);
                reasons.Add(Reason.PostalCodeNotFound);
                if (anyOverride)
                {
                    overrideRefs.Add(0);
                }

                continue;
            }

            if (postal is not null)
            {
                locationRefs.Add(locationRef);
            }

            if (accounts.Count != 0 && accounts[i] is { Length: > 0 } account && _overrides.TryFindInForce(account, hashes[i & 7], _atTicks, out var entry))
            {
                if (!anyOverride)
                {
                    // The first override of the chunk: the points before it had none.
                    anyOverride = true;
                    overrideRefs.Capacity = count;
                    for (var before = 0; before < i; before++)
                    {
                        overrideRefs.Add(0);
                    }
                }

                _overrideRefs ??= new Dictionary<string, uint>(StringComparer.Ordinal);
                if (!_overrideRefs.TryGetValue(account, out var overrideRef))
                {
                    chunk.Overrides.Add(new OverrideAnswer { AccountId = account, OwnerId = entry.OwnerId, TerritoryId = entry.TerritoryId ?? "", Protected = entry.Protected });
                    overrideRef = (uint)chunk.Overrides.Count;
                    _overrideRefs.Add(account, overrideRef);
                }

                overrideRefs.Add(overrideRef);
                counts.AddOverride();
                refs.Add(assignment.Territory is { } overridden ? RefOf(chunk, overridden) : 0);
                reasons.Add(Reason.AccountOverride);
                continue;
            }

            if (anyOverride)
            {
                overrideRefs.Add(0);
            }

            counts.Add(assignment.Reason);
            if (assignment.Territory is not { } territory)
            {
                refs.Add(0);
                reasons.Add(Reason.Unassigned);
                continue;
            }

            refs.Add(RefOf(chunk, territory));
            reasons.Add(locationRef != 0 ? Reason.PostalCode : ToProto(assignment.Reason));
        }

        if (points.Ids.Count != 0)
        {
            chunk.Ids.AddRange(points.Ids);
        }

        return chunk;
    }

    // Starts the override reads of the accounts ahead of point i, each a stage further
    // (OverrideBook.Prefetch): with a million overrides those reads miss the CPU caches, and waiting
    // for them after each lookup would cost more than the lookup. Hashes each account once, on entry.
    private void PrefetchAhead(RepeatedField<string> accounts, Span<ulong> hashes, int i, int count)
    {
        var far = i + OverrideBook.PrefetchDistance;
        if (far < count)
        {
            hashes[far & 7] = OverrideBook.HashOf(accounts[far]);
            _overrides.Prefetch(accounts[far], hashes[far & 7], OverrideBook.PrefetchDistance);
        }

        for (var ahead = 2; ahead >= 1; ahead--)
        {
            if (i + ahead < count && accounts[i + ahead].Length != 0)
            {
                _overrides.Prefetch(accounts[i + ahead], hashes[(i + ahead) & 7], ahead);
            }
        }
    }

    // The territory's position (1-based) in the chunk's list, adding it on first use.
    private uint RefOf(AssignmentChunk chunk, IndexedTerritory territory)
    {
        _refs ??= [];
        if (!_refs.TryGetValue(territory, out var reference))
        {
            chunk.Territories.Add(MessageFor(territory));
            reference = (uint)chunk.Territories.Count;
            _refs.Add(territory, reference);
        }

        return reference;
    }

    // The gazetteer entry's position (1-based) in the chunk's list, adding it on first use.
    private uint LocationRefOf(AssignmentChunk chunk, PostalCodeEntry entry)
    {
        _locationRefs ??= new Dictionary<PostalCodeEntry, uint>(ReferenceEqualityComparer.Instance);
        if (!_locationRefs.TryGetValue(entry, out var reference))
        {
            chunk.Locations.Add(PostalCodeMessages.ToMessage(entry));
            reference = (uint)chunk.Locations.Count;
            _locationRefs.Add(entry, reference);
        }

        return reference;
    }

    /// <summary>The owner of a point (no territory: null) with the reason, for Reassign.</summary>
    public LayerAssignment ResolveOne(double lat, double lng) => _index.Resolve(lat, lng);

    public static Reason ToProto(AssignmentReason reason) => reason switch
    {
        AssignmentReason.InteriorCell => Reason.InteriorCell,
        AssignmentReason.ExactTest => Reason.ExactTest,
        _ => Reason.Unassigned,
    };

    private AssignedTerritory MessageFor(IndexedTerritory territory)
    {
        _messages ??= [];
        if (!_messages.TryGetValue(territory, out var message))
        {
            message = new AssignedTerritory { TerritoryId = territory.Territory.Id, OwnerId = territory.Territory.OwnerId };
            message.AncestorIds.AddRange(territory.AncestorIds);
            _messages.Add(territory, message);
        }

        return message;
    }

    /// <summary>A single answer, for Resolve; an override in force (when given) decides the owner.</summary>
    public static Assignment ToAssignment(LayerAssignment answer, string layer, long version, AccountOverride? overriding = null)
    {
        var assignment = new Assignment { Layer = layer, MapVersion = (ulong)version, Reason = ToProto(answer.Reason) };
        if (answer.Territory is { } territory)
        {
            assignment.TerritoryId = territory.Territory.Id;
            assignment.OwnerId = territory.Territory.OwnerId;
            assignment.AncestorIds.AddRange(territory.AncestorIds);
        }

        if (overriding is not null)
        {
            assignment.TerritoryOwnerId = assignment.OwnerId;
            assignment.OwnerId = overriding.OwnerId;
            assignment.Reason = Reason.AccountOverride;
            assignment.OverrideTerritoryId = overriding.TerritoryId ?? "";
            assignment.OverrideProtected = overriding.Protected;
        }

        return assignment;
    }
}
