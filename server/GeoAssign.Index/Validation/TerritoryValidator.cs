// Checks territories, whole maps and map changes before anything is built from them.
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace GeoAssign.Index.Validation;

/// <summary>
/// Validates territories before anything is built from them, all-or-nothing: it returns every
/// problem at once (up to <see cref="ValidationOptions.MaxProblems"/>), each naming the feature and
/// saying what is wrong and, where useful, how to fix it.
/// </summary>
/// <remarks>
/// <para>Per territory: an id, an owner id and a layer that are not empty and not longer than
/// <see cref="ValidationOptions.MaxIdLength"/>; no attribute with a reserved name; a Polygon or
/// MultiPolygon that is not empty and has no empty part; at most
/// <see cref="ValidationOptions.MaxVerticesPerTerritory"/> vertices; rings of at least 4 positions,
/// closed; finite coordinates with longitude in [-180, 180] and latitude in [-90, 90]; no edge
/// spanning more than 180° of longitude (a ring crossing the antimeridian must be split at ±180, RFC
/// 7946 §3.1.9); and a geometry NTS <c>IsValidOp</c> accepts.</para>
/// <para>Per map: at most <see cref="ValidationOptions.MaxTerritoriesPerMap"/> territories and
/// <see cref="ValidationOptions.MaxVerticesPerMap"/> vertices; ids unique across all layers; every
/// parent id names a territory of the map (any layer); no parent cycles; no chain of parents deeper
/// than <see cref="ValidationOptions.MaxParentDepth"/>.</para>
/// <para>Per change, against the current map plus the change: the same, and deletes name existing
/// territories, no id is both upserted and deleted, and no remaining territory is left with a deleted
/// parent.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class TerritoryValidator
{
    /// <summary>The property names that are fields of a territory, never free attributes.</summary>
    public static IReadOnlySet<string> ReservedPropertyNames { get; } =
        new HashSet<string>(["id", "name", "owner_id", "layer", "priority", "parent_id"], StringComparer.Ordinal);

    /// <summary>Creates a validator with the given limits (the defaults when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public TerritoryValidator(ValidationOptions? options = null)
    {
        Options = options ?? ValidationOptions.Default;
        Options.Validate();
    }

    /// <summary>The limits this validator enforces.</summary>
    public ValidationOptions Options { get; }

    /// <summary>Validates one territory on its own: fields and geometry, not ids or parents across a map.</summary>
    public ValidationResult ValidateTerritory(Territory territory)
    {
        ArgumentNullException.ThrowIfNull(territory);
        var problems = new ProblemCollector(Options.MaxProblems);
        CheckTerritory(territory, null, problems);
        return problems.ToResult();
    }

    /// <summary>
    /// Validates a whole map (e.g. an import). Problems name territories by id and by their index in
    /// <paramref name="territories"/>.
    /// </summary>
    public ValidationResult ValidateMap(IReadOnlyList<Territory> territories)
    {
        ArgumentNullException.ThrowIfNull(territories);
        var problems = new ProblemCollector(Options.MaxProblems);
        if (territories.Count > Options.MaxTerritoriesPerMap)
        {
            // Nothing more is checked: the input is too large to look at.
            problems.Add(new ValidationProblem(ValidationProblemKind.TooManyTerritories, null, null,
                $"the map has {territories.Count:N0} territories, more than the limit of {Options.MaxTerritoriesPerMap:N0}")
            {
                Fix = Options.FixOrRaise("split the map", nameof(ValidationOptions.MaxTerritoriesPerMap), " if the server has the memory"),
            });
            return problems.ToResult();
        }

        long vertices = 0;
        var firstIndexById = new Dictionary<string, int>(territories.Count, StringComparer.Ordinal);
        for (var i = 0; i < territories.Count; i++)
        {
            var territory = territories[i];
            if (territory is null)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.MalformedFeature, null, i, "the territory is null"));
                continue;
            }

            CheckTerritory(territory, i, problems);
            vertices += territory.Geometry?.NumPoints ?? 0;
            if (string.IsNullOrEmpty(territory.Id))
            {
                continue;
            }

            if (!firstIndexById.TryAdd(territory.Id, i))
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.DuplicateId, territory.Id, i,
                    $"the id is also used by features[{firstIndexById[territory.Id]}]")
                {
                    Fix = "ids must be unique across all layers of the map; give each feature its own id",
                });
            }
        }

        if (vertices > Options.MaxVerticesPerMap)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.TooManyVerticesInMap, null, null,
                $"the map has {vertices:N0} vertices, more than the limit of {Options.MaxVerticesPerMap:N0}")
            {
                Fix = Options.FixOrRaise("simplify the boundaries", nameof(ValidationOptions.MaxVerticesPerMap), " if the server has the memory"),
            });
        }

        Territory? Get(string id) =>
            firstIndexById.TryGetValue(id, out var index) ? territories[index] : null;

        for (var i = 0; i < territories.Count; i++)
        {
            var territory = territories[i];
            if (territory?.ParentId is { Length: > 0 } parentId && parentId != territory.Id && Get(parentId) is null)
            {
                problems.Add(UnknownParent(territory, i, "the map"));
            }
        }

        var hierarchy = new HierarchyCheck(this, problems, Get);
        for (var i = 0; i < territories.Count; i++)
        {
            if (territories[i] is { Id.Length: > 0 } territory && firstIndexById[territory.Id] == i)
            {
                hierarchy.Visit(territory.Id, i);
            }
        }

        return problems.ToResult();
    }

    /// <summary>Validates a change against the current map given as a dictionary from id to territory.</summary>
    public ValidationResult ValidateChange(IReadOnlyDictionary<string, Territory> current, MapChange change)
    {
        ArgumentNullException.ThrowIfNull(current);
        return ValidateChange(new DictionaryTerritoryCatalog(current), change);
    }

    /// <summary>
    /// Validates a change against the current map plus the change itself: a parent may be upserted in
    /// the same change, a territory may not be left with a deleted parent. Problems about upserts name
    /// them by id and by index in <see cref="MapChange.Upserts"/>.
    /// </summary>
    public ValidationResult ValidateChange(ITerritoryCatalog current, MapChange change)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        var problems = new ProblemCollector(Options.MaxProblems);

        var upserts = new Dictionary<string, Territory>(change.Upserts.Count, StringComparer.Ordinal);
        var upsertIndex = new Dictionary<string, int>(change.Upserts.Count, StringComparer.Ordinal);
        for (var i = 0; i < change.Upserts.Count; i++)
        {
            var territory = change.Upserts[i];
            if (territory is null)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.MalformedFeature, null, i, "the upserted territory is null"));
                continue;
            }

            CheckTerritory(territory, i, problems);
            if (string.IsNullOrEmpty(territory.Id))
            {
                continue;
            }

            if (!upserts.TryAdd(territory.Id, territory))
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.DuplicateId, territory.Id, i,
                    $"the change upserts this id twice (also at upserts[{upsertIndex[territory.Id]}])")
                {
                    Fix = "upsert each territory once per change",
                });
            }
            else
            {
                upsertIndex[territory.Id] = i;
            }
        }

        var deletes = new HashSet<string>(StringComparer.Ordinal);
        var deletedExisting = 0;
        foreach (var id in change.Deletes)
        {
            if (id is null || !deletes.Add(id))
            {
                continue;
            }

            if (upserts.ContainsKey(id))
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.UpsertAndDelete, id, null,
                    "the change both upserts and deletes this id")
                {
                    Fix = "either replace the territory (upsert) or remove it (delete), not both",
                });
            }

            if (current.TryGetTerritory(id, out _))
            {
                deletedExisting++;
            }
            else
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.UnknownDelete, id, null,
                    "the change deletes a territory that is not in the map")
                {
                    Fix = "remove the id from the deletes",
                });
            }
        }

        var added = 0;
        foreach (var id in upserts.Keys)
        {
            if (!current.TryGetTerritory(id, out _))
            {
                added++;
            }
        }

        var countAfter = (long)current.Count + added - deletedExisting;
        if (countAfter > Options.MaxTerritoriesPerMap)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.TooManyTerritories, null, null,
                $"the map would have {countAfter:N0} territories, more than the limit of {Options.MaxTerritoriesPerMap:N0}")
            {
                Fix = Options.FixOrRaise("delete territories first", nameof(ValidationOptions.MaxTerritoriesPerMap), " if the server has the memory"),
            });
        }

        Territory? Get(string id)
        {
            if (upserts.TryGetValue(id, out var upserted))
            {
                return upserted;
            }

            return !deletes.Contains(id) && current.TryGetTerritory(id, out var existing) ? existing : null;
        }

        foreach (var (id, territory) in upserts)
        {
            if (territory.ParentId is { Length: > 0 } parentId && parentId != id && Get(parentId) is null)
            {
                problems.Add(UnknownParent(territory, upsertIndex[id], "the map after this change"));
            }
        }

        foreach (var id in deletes)
        {
            foreach (var childId in current.GetChildIds(id))
            {
                // A child deleted too, or upserted (its new parent is checked above), is fine.
                if (deletes.Contains(childId) || upserts.ContainsKey(childId))
                {
                    continue;
                }

                problems.Add(new ValidationProblem(ValidationProblemKind.DeletedParent, id, null,
                    $"deleting it would leave territory '{childId}' with an unknown parent")
                {
                    Fix = $"in the same change, delete '{childId}' or upsert it with another parent_id",
                });
            }
        }

        // Only upserts change parents: any new cycle or too-deep chain runs through one of them.
        var hierarchy = new HierarchyCheck(this, problems, Get);
        foreach (var id in upserts.Keys)
        {
            hierarchy.Visit(id, upsertIndex[id]);
            hierarchy.CheckDescendantDepth(id, upsertIndex[id], current, upserts, deletes);
        }

        return problems.ToResult();
    }

    private static ValidationProblem UnknownParent(Territory territory, int index, string where) =>
        new(ValidationProblemKind.UnknownParent, NameOf(territory), index,
            $"parent_id '{territory.ParentId}' names no territory of {where}")
        {
            Fix = "add the parent territory (it may be in another layer, ids are unique across layers) or remove parent_id",
        };

    private static string? NameOf(Territory territory) => string.IsNullOrEmpty(territory.Id) ? null : territory.Id;

    private void CheckTerritory(Territory territory, int? index, ProblemCollector problems)
    {
        var id = NameOf(territory);
        var max = Options.MaxIdLength;
        if (id is null)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.MissingId, null, index, "the feature has no id")
            {
                Fix = "give every feature a unique string id, as the feature \"id\" or an \"id\" property",
            });
        }
        else if (id.Length > max)
        {
            problems.Add(TooLong(id, index, "id", id.Length, max));
        }

        if (string.IsNullOrEmpty(territory.OwnerId))
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.MissingOwner, id, index, "the territory has no owner_id")
            {
                Fix = "set the \"owner_id\" property to the id of the sales rep who owns the territory",
            });
        }
        else if (territory.OwnerId.Length > max)
        {
            problems.Add(TooLong(id, index, "owner_id", territory.OwnerId.Length, max));
        }

        if (string.IsNullOrEmpty(territory.Layer))
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.InvalidLayer, id, index, "the layer is empty")
            {
                Fix = $"leave \"layer\" out for the default layer \"{Territory.DefaultLayer}\", or name a layer",
            });
        }
        else if (territory.Layer.Length > max)
        {
            problems.Add(TooLong(id, index, "layer", territory.Layer.Length, max));
        }

        if (territory.ParentId is { } parentId)
        {
            if (parentId.Length == 0)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.UnknownParent, id, index, "parent_id is empty")
                {
                    Fix = "leave \"parent_id\" out (or null) for a territory without a parent",
                });
            }
            else if (parentId.Length > max)
            {
                problems.Add(TooLong(id, index, "parent_id", parentId.Length, max));
            }
            else if (parentId == territory.Id)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.ParentCycle, id, index, "the territory is its own parent")
                {
                    Fix = "a parent_id must name another territory",
                });
            }
        }

        foreach (var key in territory.Attributes.Keys)
        {
            if (ReservedPropertyNames.Contains(key))
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.ReservedAttribute, id, index,
                    $"the attribute '{key}' uses a reserved name")
                {
                    Fix = $"set the territory's own field instead of an attribute named '{key}'",
                });
            }
        }

        CheckGeometry(territory.Geometry, id, index, problems);
    }

    private static ValidationProblem TooLong(string? id, int? index, string field, int length, int max) =>
        new(ValidationProblemKind.IdTooLong, id is { Length: <= 64 } ? id : id?[..64] + "…", index,
            $"{field} is {length} characters long, more than the limit of {max}")
        {
            Fix = $"use a shorter {field}",
        };

    private void CheckGeometry(NtsGeometry? geometry, string? id, int? index, ProblemCollector problems)
    {
        if (geometry is null)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.MissingGeometry, id, index, "the territory has no geometry")
            {
                Fix = "give the feature a Polygon or MultiPolygon geometry",
            });
            return;
        }

        if (geometry is not (Polygon or MultiPolygon))
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.UnsupportedGeometryType, id, index,
                $"the geometry is a {geometry.GeometryType}; a territory needs a Polygon or MultiPolygon")
            {
                Fix = geometry is GeometryCollection
                    ? "put the polygons into one MultiPolygon; points and lines have no area"
                    : "give the territory's area as a Polygon (its boundary ring) or a MultiPolygon",
            });
            return;
        }

        if (geometry.IsEmpty)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.EmptyGeometry, id, index, "the geometry is empty")
            {
                Fix = "give the territory at least one polygon, or delete the territory",
            });
            return;
        }

        var vertices = geometry.NumPoints;
        if (vertices > Options.MaxVerticesPerTerritory)
        {
            // Nothing more is checked: the geometry is too large to look at.
            problems.Add(new ValidationProblem(ValidationProblemKind.TooManyVertices, id, index,
                $"the geometry has {vertices:N0} vertices, more than the limit of {Options.MaxVerticesPerTerritory:N0}")
            {
                Fix = Options.FixOrRaise("simplify the boundary (a tolerance of a few metres keeps it exact enough for lead routing) or split the territory", nameof(ValidationOptions.MaxVerticesPerTerritory), " if the server has the memory"),
            });
            return;
        }

        var isMulti = geometry is MultiPolygon;
        var ringsOk = true;
        for (var p = 0; p < geometry.NumGeometries; p++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(p);
            if (polygon.IsEmpty)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.EmptyGeometry, id, index,
                    $"polygon coordinates[{p}] of the MultiPolygon is empty")
                {
                    Fix = "remove the empty polygon",
                });
                ringsOk = false;
                continue;
            }

            for (var r = 0; r <= polygon.NumInteriorRings; r++)
            {
                var ring = r == 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(r - 1);
                ringsOk &= CheckRing(ring.CoordinateSequence, GeometryPaths.RingName(isMulti, p, r),
                    GeometryPaths.Ring(isMulti, p, r), id, index, problems);
            }
        }

        if (!ringsOk || !Options.CheckGeometryValidity)
        {
            return;
        }

        var validity = new IsValidOp(geometry);
        if (!validity.IsValid && validity.ValidationError is { } error)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.InvalidGeometry, id, index,
                $"the geometry is invalid ({error.ErrorType}): {error.Message}")
            {
                Location = error.Coordinate is { } c ? new LngLat(c.X, c.Y) : null,
                Fix = FixFor(error.ErrorType),
            });
        }
    }

    private static string FixFor(TopologyValidationErrors error) => error switch
    {
        TopologyValidationErrors.SelfIntersection or TopologyValidationErrors.RingSelfIntersection =>
            "edges may meet only at shared vertices: remove the loop or spike there, or repair the geometry (e.g. PostGIS ST_MakeValid or NTS GeometryFixer; the GeoJSON import can do it with RepairInvalidGeometry)",
        TopologyValidationErrors.HoleOutsideShell =>
            "a hole must lie inside its polygon's exterior ring; move it to the polygon that contains it or remove it",
        TopologyValidationErrors.NestedHoles =>
            "holes of one polygon may not contain each other; remove the inner hole or make it a separate polygon",
        TopologyValidationErrors.NestedShells =>
            "polygons of a MultiPolygon may not overlap; merge the nested polygon into the outer one, or make it a separate territory with a higher priority",
        TopologyValidationErrors.DisconnectedInteriors =>
            "holes must not cut the polygon into pieces; split it into several polygons of a MultiPolygon",
        TopologyValidationErrors.DuplicateRings =>
            "a ring appears twice; remove the duplicate",
        TopologyValidationErrors.TooFewPoints =>
            "every ring needs at least 3 distinct corners",
        TopologyValidationErrors.InvalidCoordinate =>
            "use finite WGS84 longitudes and latitudes",
        _ => "repair the geometry (e.g. PostGIS ST_MakeValid or NTS GeometryFixer; the GeoJSON import can do it with RepairInvalidGeometry)",
    };

    // Checks one ring's positions; true when it is fit for a topological check.
    private static bool CheckRing(CoordinateSequence ring, string name, string path, string? id, int? index,
        ProblemCollector problems)
    {
        var n = ring.Count;
        var ok = true;
        if (n < 4)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.RingTooShort, id, index,
                $"{name} has {n} positions; a ring needs at least 4 (three corners and the first repeated at the end)")
            {
                Location = n > 0 ? new LngLat(ring.GetX(0), ring.GetY(0)) : null,
                Fix = "give the ring at least three distinct corners, or remove it",
            });
            ok = false;
        }

        int notFinite = 0, outOfRange = 0, firstNotFinite = -1, firstOutOfRange = -1;
        for (var i = 0; i < n; i++)
        {
            double x = ring.GetX(i), y = ring.GetY(i);
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                notFinite++;
                firstNotFinite = firstNotFinite < 0 ? i : firstNotFinite;
            }
            else if (x < -180 || x > 180 || y < -90 || y > 90)
            {
                outOfRange++;
                firstOutOfRange = firstOutOfRange < 0 ? i : firstOutOfRange;
            }
        }

        if (notFinite > 0)
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.CoordinateNotFinite, id, index,
                $"position {path}[{firstNotFinite}] of {name} is not a finite number ({Format(ring.GetX(firstNotFinite))}, {Format(ring.GetY(firstNotFinite))})"
                + More(notFinite))
            {
                Fix = "replace NaN and infinite coordinates with WGS84 longitudes and latitudes",
            });
            ok = false;
        }

        if (outOfRange > 0)
        {
            double x = ring.GetX(firstOutOfRange), y = ring.GetY(firstOutOfRange);
            problems.Add(new ValidationProblem(ValidationProblemKind.CoordinateOutOfRange, id, index,
                $"position {path}[{firstOutOfRange}] of {name} is out of range: longitude must be in [-180, 180] and latitude in [-90, 90]"
                + More(outOfRange))
            {
                Location = new LngLat(x, y),
                Fix = Math.Abs(x) > 1000 || Math.Abs(y) > 1000
                    ? "the coordinates look projected (e.g. Web Mercator metres): reproject to WGS84 longitude/latitude (EPSG:4326)"
                    : Math.Abs(y) > 90 && Math.Abs(x) <= 90
                        ? "longitude and latitude look swapped: GeoJSON positions are [longitude, latitude]"
                        : "use WGS84 longitudes in [-180, 180] and latitudes in [-90, 90]",
            });
            ok = false;
        }

        if (n >= 2 && notFinite == 0 && (ring.GetX(0) != ring.GetX(n - 1) || ring.GetY(0) != ring.GetY(n - 1)))
        {
            problems.Add(new ValidationProblem(ValidationProblemKind.RingNotClosed, id, index,
                $"{name} is not closed: its last position differs from its first")
            {
                Location = new LngLat(ring.GetX(n - 1), ring.GetY(n - 1)),
                Fix = "repeat the first position at the end of the ring",
            });
            ok = false;
        }

        if (notFinite == 0 && outOfRange == 0)
        {
            var crossings = 0;
            var first = -1;
            for (var i = 1; i < n; i++)
            {
                if (Antimeridian.IsUnsplitCrossing(ring.GetX(i - 1), ring.GetY(i - 1), ring.GetX(i), ring.GetY(i)))
                {
                    crossings++;
                    first = first < 0 ? i : first;
                }
            }

            if (crossings > 0)
            {
                var from = new LngLat(ring.GetX(first - 1), ring.GetY(first - 1));
                var to = new LngLat(ring.GetX(first), ring.GetY(first));
                problems.Add(new ValidationProblem(ValidationProblemKind.AntimeridianCrossing, id, index,
                    $"{name} crosses the antimeridian without being split: the edge from position [{first - 1}] {from} to [{first}] {to} "
                    + $"spans {Format(Math.Abs(to.Lng - from.Lng))}° of longitude, so as a straight longitude/latitude line it runs the long way round the globe"
                    + (crossings > 1 ? $" ({crossings} such edges)" : ""))
                {
                    Location = from,
                    Fix = "as RFC 7946 §3.1.9 requires, split the polygon at the antimeridian into a MultiPolygon: one part ending at longitude 180 and one starting at -180, with no edge spanning more than 180°",
                });
                ok = false;
            }
        }

        return ok;
    }

    private static string More(int count) => count > 1 ? $" ({count} such positions in this ring)" : "";

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    // Finds parent cycles and chains deeper than the limit, visiting each territory once.
    private sealed class HierarchyCheck(TerritoryValidator validator, ProblemCollector problems, Func<string, Territory?> get)
    {
        private const int Cyclic = -2;
        private readonly Dictionary<string, int> _depth = new(StringComparer.Ordinal);
        private readonly HashSet<string> _onPath = new(StringComparer.Ordinal);
        private readonly HashSet<string> _tooDeep = new(StringComparer.Ordinal);

        public void Visit(string startId, int index)
        {
            var path = new List<string>();
            string? id = startId;
            while (id is not null && !_depth.ContainsKey(id) && !_onPath.Contains(id))
            {
                var territory = get(id);
                if (territory is null)
                {
                    break;
                }

                path.Add(id);
                _onPath.Add(id);
                id = territory.ParentId is { Length: > 0 } parent && parent != id ? parent : null;
                if (id is not null && get(id) is null)
                {
                    id = null;
                }
            }

            int baseDepth;
            var end = path.Count;
            if (id is not null && _onPath.Contains(id))
            {
                // The walk came back to a territory on its own path: a cycle.
                var start = path.IndexOf(id);
                var cycle = path.GetRange(start, path.Count - start);
                ReportCycle(cycle, startId, index);
                foreach (var member in cycle)
                {
                    _depth[member] = Cyclic;
                }

                end = start;
                baseDepth = Cyclic;
            }
            else
            {
                baseDepth = id is null ? -1 : _depth.GetValueOrDefault(id, -1);
            }

            for (var i = end - 1; i >= 0; i--)
            {
                var depth = baseDepth == Cyclic ? Cyclic : baseDepth + 1;
                _depth[path[i]] = depth;
                if (depth == validator.Options.MaxParentDepth + 1)
                {
                    problems.Add(new ValidationProblem(ValidationProblemKind.HierarchyTooDeep, path[i], path[i] == startId ? index : null,
                        $"the territory has more than {validator.Options.MaxParentDepth} ancestors")
                    {
                        Fix = validator.Options.FixOrRaise("flatten the hierarchy", nameof(ValidationOptions.MaxParentDepth)),
                    });
                }

                baseDepth = depth;
            }

            foreach (var member in path)
            {
                _onPath.Remove(member);
            }
        }

        // After a change: an upsert that moved deeper also moves its existing descendants deeper.
        public void CheckDescendantDepth(string id, int index, ITerritoryCatalog current,
            Dictionary<string, Territory> upserts, HashSet<string> deletes)
        {
            if (!_depth.TryGetValue(id, out var depth) || depth < 0)
            {
                return;
            }

            var limit = validator.Options.MaxParentDepth;
            var level = new List<string> { id };
            var seen = new HashSet<string>(StringComparer.Ordinal) { id };
            while (level.Count > 0 && depth <= limit)
            {
                var next = new List<string>();
                foreach (var parent in level)
                {
                    foreach (var child in current.GetChildIds(parent))
                    {
                        if (!deletes.Contains(child) && !upserts.ContainsKey(child) && seen.Add(child))
                        {
                            next.Add(child);
                        }
                    }

                    foreach (var (childId, child) in upserts)
                    {
                        if (child.ParentId == parent && seen.Add(childId))
                        {
                            next.Add(childId);
                        }
                    }
                }

                if (next.Count == 0)
                {
                    return;
                }

                depth++;
                level = next;
            }

            // Reported once per territory pushed too deep, from the first upsert above it.
            if (depth > limit && _tooDeep.Add(level[0]))
            {
                foreach (var other in level)
                {
                    _tooDeep.Add(other);
                }

                problems.Add(new ValidationProblem(ValidationProblemKind.HierarchyTooDeep, id, index,
                    $"after this change territory '{level[0]}' below it would have more than {limit} ancestors")
                {
                    Fix = validator.Options.FixOrRaise("flatten the hierarchy", nameof(ValidationOptions.MaxParentDepth)),
                });
            }
        }

        private void ReportCycle(List<string> cycle, string startId, int index)
        {
            // Start the description at the ordinal-smallest id so that one cycle reads the same from anywhere.
            var smallest = 0;
            for (var i = 1; i < cycle.Count; i++)
            {
                if (string.CompareOrdinal(cycle[i], cycle[smallest]) < 0)
                {
                    smallest = i;
                }
            }

            var names = new List<string>(cycle.Count + 1);
            for (var i = 0; i <= cycle.Count; i++)
            {
                names.Add($"'{cycle[(smallest + i) % cycle.Count]}'");
            }

            var reported = cycle.Contains(startId) ? startId : cycle[smallest];
            problems.Add(new ValidationProblem(ValidationProblemKind.ParentCycle, reported, reported == startId ? index : null,
                $"the parents form a cycle (each id → its parent_id): {string.Join(" → ", names)}")
            {
                Fix = "one territory of the cycle must have no parent_id or a parent outside the cycle",
            });
        }
    }

    // An adapter that indexes children on first use.
    private sealed class DictionaryTerritoryCatalog(IReadOnlyDictionary<string, Territory> territories) : ITerritoryCatalog
    {
        private Dictionary<string, List<string>>? _children;

        public int Count => territories.Count;

        public bool TryGetTerritory(string id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Territory territory) =>
            territories.TryGetValue(id, out territory);

        public IEnumerable<string> GetChildIds(string parentId)
        {
            if (_children is null)
            {
                var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                foreach (var (id, territory) in territories)
                {
                    if (territory.ParentId is { } parent)
                    {
                        if (!children.TryGetValue(parent, out var list))
                        {
                            children[parent] = list = [];
                        }

                        list.Add(id);
                    }
                }

                _children = children;
            }

            return _children.TryGetValue(parentId, out var found) ? found : [];
        }
    }
}

/// <summary>Collects problems up to a limit and counts the rest.</summary>
internal sealed class ProblemCollector(int max)
{
    private readonly List<ValidationProblem> _problems = [];

    public int Total { get; private set; }

    public void Add(ValidationProblem problem)
    {
        Total++;
        if (_problems.Count < max)
        {
            _problems.Add(problem);
        }
    }

    public ValidationResult ToResult() =>
        Total == 0 ? ValidationResult.Valid : new ValidationResult(_problems.AsReadOnly(), Total);
}
