// Hierarchy checks: parents that exist, deletes that leave no orphans, no cycles, no chain too deep.
using GeoAssign.Index.Model;

namespace GeoAssign.Index.Validation;

public sealed partial class TerritoryValidator
{
    private static ValidationProblem UnknownParent(Territory territory, int index, string where) =>
        new(ValidationProblemKind.UnknownParent, NameOf(territory), index,
            $"parent_id '{territory.ParentId}' names no territory of {where}")
        {
            Fix = "add the parent territory (it may be in another layer, ids are unique across layers) or remove parent_id",
        };

    // After a change: a deleted territory may not stay the parent of one that remains.
    private static void CheckDeletedParents(ITerritoryCatalog current, HashSet<string> deletes,
        Dictionary<string, Territory> upserts, ProblemCollector problems)
    {
        foreach (var id in deletes)
        {
            foreach (var childId in current.GetChildIds(id))
            {
                // A child deleted too, or upserted (its new parent is checked with the upserts), is fine.
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
    }

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
}
