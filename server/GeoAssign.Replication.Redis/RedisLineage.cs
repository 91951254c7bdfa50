// Which changes this server holds, by id, and whether Redis still holds the same ones.
using System.Security.Cryptography;

namespace GeoAssign.Replication.Redis;

/// <summary>
/// The ids of the changes the store handed to its server (loaded, read, appended), by version, and
/// whether Redis is known to hold a different history. Every append stores a random id with its
/// change and as the map's head, and names the id of the change it follows (its parent). A failover
/// that loses changes the old primary had acknowledged, or published, can leave Redis at a version
/// this server holds with another change under it; versions alone would not show it, ids do. Once
/// it is seen, reads say "reload" (null) and the feed yields 0 until the server loads the map again.
/// Thread-safe.
/// </summary>
internal sealed class RedisLineage
{
    // Ids of recent versions only: a server reads and appends right after its latest version.
    private const int Kept = 256;

    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, string> _ids = [];
    private bool _diverged;

    /// <summary>Whether Redis holds a history other than the one handed out; cleared by <see cref="Reset"/>.</summary>
    public bool Diverged
    {
        get
        {
            lock (_lock)
            {
                return _diverged;
            }
        }
    }

    /// <summary>A new change id: 16 hex digits, random.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>The map was (re)loaded at <paramref name="version"/> with <paramref name="head"/>: it is the whole history now.</summary>
    public void Reset(long version, string head)
    {
        lock (_lock)
        {
            _ids.Clear();
            _ids[version] = head;
            _diverged = false;
        }
    }

    /// <summary>The change <paramref name="id"/> at <paramref name="version"/> was handed out.</summary>
    public void Record(long version, string id)
    {
        lock (_lock)
        {
            _ids[version] = id;
            while (_ids.Count > Kept)
            {
                _ids.Remove(_ids.Keys.First());
            }
        }
    }

    /// <summary>The id of the change handed out at <paramref name="version"/>; empty when unknown (or version 0).</summary>
    public string IdOf(long version)
    {
        lock (_lock)
        {
            return _ids.GetValueOrDefault(version, "");
        }
    }

    /// <summary>
    /// Whether <paramref name="id"/> (what Redis holds at <paramref name="version"/>) may be the change
    /// handed out there: equal, or either unknown (data from before ids, or never handed out).
    /// </summary>
    public bool Matches(long version, string? id)
    {
        var known = IdOf(version);
        return string.IsNullOrEmpty(id) || known.Length == 0 || known == id;
    }

    /// <summary>Redis said it holds <paramref name="id"/> at <paramref name="version"/>; notes a divergence. True when it matches.</summary>
    public bool Check(long version, string? id)
    {
        if (Matches(version, id))
        {
            return true;
        }

        MarkDiverged();
        return false;
    }

    /// <summary>Redis holds another history (an append found another parent): reload before going on.</summary>
    public void MarkDiverged()
    {
        lock (_lock)
        {
            _diverged = true;
        }
    }
}
