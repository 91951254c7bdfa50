// The one apply path: validates a MapChange and builds the next TerritoryMap from the current one.
using System.Collections.Immutable;
using GeoAssign.Index.Cells;
using GeoAssign.Index.Geometry;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index;

/// <summary>Options of the territory index.</summary>
public sealed class TerritoryIndexOptions
{
    /// <summary>The defaults.</summary>
    public static TerritoryIndexOptions Default { get; } = new();

    /// <summary>Limits for validation.</summary>
    public ValidationOptions Validation { get; init; } = ValidationOptions.Default;

    /// <summary>Finest H3 resolution per layer; layers not listed get an automatic one (see <see cref="ResolutionPolicy"/>).</summary>
    public IReadOnlyDictionary<string, int> LayerResolutions { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// When a change touches at least this share of a layer's territories, the layer is rebuilt from
    /// scratch (and its automatic resolution chosen anew) instead of incrementally. Default 0.5.
    /// </summary>
    public double FullRebuildShare { get; init; } = 0.5;

    /// <summary>Throws when an option is out of range, so bad configuration fails at start-up.</summary>
    public void Validate()
    {
        Validation.Validate();
        foreach (var (layer, res) in LayerResolutions)
        {
            if (res is < 0 or > GeoAssign.H3.H3.MaxResolution)
                throw new ArgumentOutOfRangeException(nameof(LayerResolutions), res, $"Layer '{layer}': resolution must be 0..15.");
        }
        if (FullRebuildShare is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(FullRebuildShare), FullRebuildShare, "Must be in (0, 1].");
    }
}

/// <summary>
/// The single writer of the territory map: every change — an API call, a replicated message, a replay
/// at start-up — goes through <see cref="Apply"/>, which validates it as a whole, builds the next
/// version (rebuilding only the cells the change touches) and publishes it with one reference swap.
/// A rejected change changes nothing. Not safe for concurrent writers: callers serialise
/// <see cref="Apply"/>; <see cref="Current"/> may be read from any thread at any time.
/// </summary>
public sealed class TerritoryMapWriter
{
    private readonly TerritoryIndexOptions _options;
    private readonly TerritoryValidator _validator;
    private readonly Dictionary<string, LayerIndexWriter> _layers = new(StringComparer.Ordinal);
    private TerritoryMap _current = TerritoryMap.Empty;

    /// <summary>Creates a writer holding the empty map at version 0.</summary>
    public TerritoryMapWriter(TerritoryIndexOptions? options = null)
    {
        _options = options ?? TerritoryIndexOptions.Default;
        _options.Validate();
        _validator = new TerritoryValidator(_options.Validation);
    }

    /// <summary>The latest published map.</summary>
    public TerritoryMap Current => Volatile.Read(ref _current);

    /// <summary>Validates a change against the current map without applying it.</summary>
    public ValidationResult Validate(MapChange change) => _validator.ValidateChange(Current, change);

    /// <summary>
    /// Validates and applies a change, publishing and returning the new map.
    /// </summary>
    /// <exception cref="TerritoryValidationException">The change is invalid; nothing changed.</exception>
    /// <exception cref="ArgumentException">The change's version is not greater than the current version.</exception>
    public TerritoryMap Apply(MapChange change, bool validate = true)
    {
        ArgumentNullException.ThrowIfNull(change);
        var current = Current;
        if (change.Version <= current.Version)
        {
            throw new ArgumentException($"Change version {change.Version} must be greater than the map's version {current.Version}.", nameof(change));
        }
        if (validate) _validator.ValidateChange(current, change).ThrowIfInvalid();

        // New territory table and child index.
        var territories = current.Territories.ToBuilder();
        var children = current.Children.ToBuilder();
        var deleted = new List<IndexedTerritory>();
        foreach (var id in change.Deletes)
        {
            if (territories.TryGetValue(id, out var old))
            {
                deleted.Add(old);
                territories.Remove(id);
                RemoveChild(children, old.Territory.ParentId, id);
            }
        }

        var upserted = new List<(IndexedTerritory? Old, Territory New)>();
        foreach (var t in change.Upserts)
        {
            territories.TryGetValue(t.Id, out var old);
            upserted.Add((old, t));
            if (old is not null) RemoveChild(children, old.Territory.ParentId, t.Id);
            if (t.ParentId is not null) AddChild(children, t.ParentId, t.Id);
        }

        // Ids whose ancestor path may change: the upserted ones and everything below an upserted or deleted id.
        var pathChanged = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        foreach (var (_, t) in upserted) stack.Push(t.Id);
        foreach (var d in deleted) stack.Push(d.Territory.Id);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!pathChanged.Add(id)) continue;
            if (children.TryGetValue(id, out var kids)) foreach (var kid in kids) stack.Push(kid);
        }

        // Per-layer work: which entries need their cells rebuilt, which only a new entry.
        var perLayer = new Dictionary<string, LayerWork>(StringComparer.Ordinal);
        LayerWork Work(string layer)
        {
            if (!perLayer.TryGetValue(layer, out var w)) perLayer[layer] = w = new LayerWork();
            return w;
        }
        foreach (var d in deleted) Work(d.Territory.Layer).Removed.Add(d.Territory.Id);

        var newEntries = new Dictionary<string, Territory>(StringComparer.Ordinal);
        foreach (var (old, t) in upserted) newEntries[t.Id] = t;
        foreach (var (old, t) in upserted)
        {
            if (old is not null && old.Territory.Layer != t.Layer) Work(old.Territory.Layer).Removed.Add(t.Id);
        }

        // Build shapes and entries for upserts; paths are filled in below once every entry exists.
        var pending = new Dictionary<string, (Territory Territory, TerritoryShape Shape, bool Geometric)>(StringComparer.Ordinal);
        foreach (var (old, t) in upserted)
        {
            bool sameLayer = old is not null && old.Territory.Layer == t.Layer;
            bool sameGeometry = sameLayer && old!.Territory.Priority == t.Priority && old.Territory.Geometry.EqualsExact(t.Geometry);
            var shape = sameGeometry ? old!.Shape : TerritoryShape.Create(t.Geometry);
            pending[t.Id] = (t, shape, !sameGeometry);
        }

        foreach (var id in pathChanged)
        {
            if (pending.TryGetValue(id, out var p))
            {
                var writer = LayerWriter(p.Territory.Layer);
                var entry = new IndexedTerritory(p.Territory, p.Shape, AncestorsOf(id, territories, newEntries), writer.SlotFor(id));
                territories[id] = entry;
                var work = Work(p.Territory.Layer);
                if (p.Geometric) work.Changed.Add(entry);
                else work.Refreshed.Add(entry);
            }
            else if (territories.TryGetValue(id, out var existing))
            {
                var entry = existing.WithAncestors(AncestorsOf(id, territories, newEntries));
                territories[id] = entry;
                Work(existing.Territory.Layer).Refreshed.Add(entry);
            }
        }

        // Rebuild each touched layer: incrementally, unless the change is large or moves the layer's
        // resolution (a pure function of its territories, so replicas and replays agree).
        var layers = current.Layers.ToBuilder();
        foreach (var (layer, work) in perLayer)
        {
            var members = new List<IndexedTerritory>();
            foreach (var t in territories.Values) if (t.Territory.Layer == layer) members.Add(t);
            if (members.Count == 0)
            {
                layers.Remove(layer);
                _layers.Remove(layer);
                continue;
            }

            int resolution = ResolutionFor(layer, members);
            int touched = work.Changed.Count + work.Removed.Count;
            bool rebuild = !current.Layers.TryGetValue(layer, out var previous)
                || previous.Resolution != resolution
                || touched >= _options.FullRebuildShare * members.Count;
            if (rebuild)
            {
                var fresh = new LayerIndexWriter(layer, resolution);
                var all = new List<IndexedTerritory>(members.Count);
                foreach (var t in members)
                {
                    var entry = t.WithSlot(fresh.SlotFor(t.Territory.Id));
                    territories[t.Territory.Id] = entry;
                    all.Add(entry);
                }
                _layers[layer] = fresh;
                layers[layer] = fresh.Apply(all, [], []);
            }
            else
            {
                layers[layer] = _layers[layer].Apply(work.Changed, work.Removed, work.Refreshed);
            }
        }

        var overrides = current.Overrides.With(change.OverrideUpserts, change.OverrideDeletes, change.ClearOverrides);
        var gazetteer = current.Gazetteer.With(change.GazetteerUpserts, [], change.GazetteerClearCountries);
        var next = new TerritoryMap(change.Version, territories.ToImmutable(), children.ToImmutable(), layers.ToImmutable(), overrides, gazetteer);
        Volatile.Write(ref _current, next);
        return next;
    }

    /// <summary>
    /// Publishes the current territories and their index again as <paramref name="version"/>, with the
    /// given overrides and postal codes: how a plan's writer takes over as the live map's writer when
    /// the plan is activated (see <see cref="Plans.BranchedMapWriter"/>). The index is shared, not
    /// copied: published maps never change, and this writer builds later versions beside them.
    /// </summary>
    /// <exception cref="ArgumentException">The version is not greater than the current version.</exception>
    internal TerritoryMap Republish(long version, Accounts.OverrideBook overrides, Gazetteer.PostalGazetteer gazetteer)
    {
        var current = Current;
        if (version <= current.Version)
        {
            throw new ArgumentException($"Version {version} must be greater than the map's version {current.Version}.", nameof(version));
        }

        var next = new TerritoryMap(version, current.Territories, current.Children, current.Layers, overrides, gazetteer);
        Volatile.Write(ref _current, next);
        return next;
    }

    private int ResolutionFor(string layer, List<IndexedTerritory> members)
    {
        if (_options.LayerResolutions.TryGetValue(layer, out int res)) return res;
        var sizes = new double[members.Count];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = members[i].SizeKm;
        return ResolutionPolicy.Choose(sizes);
    }

    private LayerIndexWriter LayerWriter(string layer)
    {
        if (!_layers.TryGetValue(layer, out var writer))
        {
            // The resolution is fixed when the layer is (re)built in full; this writer only hands out slots until then.
            writer = new LayerIndexWriter(layer, _options.LayerResolutions.TryGetValue(layer, out int res) ? res : 0);
            _layers[layer] = writer;
        }
        return writer;
    }

    private static IReadOnlyList<string> AncestorsOf(string id, ImmutableDictionary<string, IndexedTerritory>.Builder territories, Dictionary<string, Territory> newEntries)
    {
        var path = new List<string>();
        string? parent = newEntries.TryGetValue(id, out var t) ? t.ParentId : territories.TryGetValue(id, out var e) ? e.Territory.ParentId : null;
        while (parent is not null && path.Count <= 64)
        {
            path.Add(parent);
            parent = newEntries.TryGetValue(parent, out var pt) ? pt.ParentId : territories.TryGetValue(parent, out var pe) ? pe.Territory.ParentId : null;
        }
        return path.Count == 0 ? [] : path.ToArray();
    }

    private static void AddChild(ImmutableDictionary<string, ImmutableSortedSet<string>>.Builder children, string parent, string child)
    {
        var set = children.TryGetValue(parent, out var existing) ? existing : ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
        children[parent] = set.Add(child);
    }

    private static void RemoveChild(ImmutableDictionary<string, ImmutableSortedSet<string>>.Builder children, string? parent, string child)
    {
        if (parent is null || !children.TryGetValue(parent, out var set)) return;
        set = set.Remove(child);
        if (set.IsEmpty) children.Remove(parent);
        else children[parent] = set;
    }

    private sealed class LayerWork
    {
        public List<IndexedTerritory> Changed { get; } = [];
        public List<string> Removed { get; } = [];
        public List<IndexedTerritory> Refreshed { get; } = [];
    }
}
