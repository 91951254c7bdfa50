// Checks territories, whole maps and map changes before anything is built from them.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Validation;

/// <summary>
/// Validates territories before anything is built from them, all-or-nothing: it returns every
/// problem at once (up to <see cref="ValidationOptions.MaxProblems"/>), each naming the feature and
/// saying what is wrong and, where useful, how to fix it.
/// </summary>
/// <remarks>
/// <para>Per territory: an id, an owner id and a layer that are not empty and not longer than
/// <see cref="ValidationOptions.MaxIdLength"/>; no attribute with a reserved or empty name, a number
/// beyond the range of a double, a key given twice inside its value, or nesting deeper than
/// <see cref="TerritoryAttributes.MaxDepth"/>; a Polygon or
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
public sealed partial class TerritoryValidator
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

        CheckDeletedParents(current, deletes, upserts, problems);

        // Only upserts change parents: any new cycle or too-deep chain runs through one of them.
        var hierarchy = new HierarchyCheck(this, problems, Get);
        foreach (var id in upserts.Keys)
        {
            hierarchy.Visit(id, upsertIndex[id]);
            hierarchy.CheckDescendantDepth(id, upsertIndex[id], current, upserts, deletes);
        }

        CheckOverrides(change, id => Get(id) is not null, problems);
        return problems.ToResult();
    }

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

        foreach (var (key, value) in territory.Attributes)
        {
            if (ReservedPropertyNames.Contains(key))
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.ReservedAttribute, id, index,
                    $"the attribute '{key}' uses a reserved name")
                {
                    Fix = $"set the territory's own field instead of an attribute named '{key}'",
                });
            }
            else if (AttributeRules.Check(key, value, id, index) is { } problem)
            {
                problems.Add(problem);
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
}
