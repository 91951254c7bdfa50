// Every postal code of one map version, by country: a change copies only the countries it touches.
using System.Diagnostics.CodeAnalysis;

namespace GeoAssign.Index.Gazetteer;

/// <summary>
/// The gazetteer of one map version: postal codes by country and normalised code. Each country's
/// codes are one dictionary that is never written after it is built, so a new version shares every
/// country its change does not touch (imports are rare and per country; lookups are many). Lookups
/// allocate nothing. Immutable and thread-safe.
/// </summary>
public sealed class PostalGazetteer
{
    private readonly Dictionary<string, Dictionary<string, PostalCodeEntry>> _countries;

    private PostalGazetteer(Dictionary<string, Dictionary<string, PostalCodeEntry>> countries)
    {
        _countries = countries;
        Count = countries.Values.Sum(c => c.Count);
    }

    /// <summary>No postal codes.</summary>
    public static PostalGazetteer Empty { get; } = new(new Dictionary<string, Dictionary<string, PostalCodeEntry>>(StringComparer.Ordinal));

    /// <summary>How many postal codes there are.</summary>
    public int Count { get; }

    /// <summary>The countries that have postal codes, in ordinal order.</summary>
    public IReadOnlyList<string> Countries => [.. _countries.Keys.Order(StringComparer.Ordinal)];

    /// <summary>How many postal codes <paramref name="country"/> has.</summary>
    public int CountOf(string country) => _countries.TryGetValue(country, out var codes) ? codes.Count : 0;

    /// <summary>The entry of a normalised country and code. Allocates nothing.</summary>
    public bool TryGet(string country, string code, [MaybeNullWhen(false)] out PostalCodeEntry entry)
    {
        entry = null;
        return _countries.TryGetValue(country, out var codes) && codes.TryGetValue(code, out entry);
    }

    /// <summary>Every entry, by country then code in ordinal order.</summary>
    public IEnumerable<PostalCodeEntry> All()
    {
        foreach (var country in _countries.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var entry in _countries[country].Values.OrderBy(e => e.Code, StringComparer.Ordinal))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Every entry of <paramref name="country"/>, in no particular order.</summary>
    public IEnumerable<PostalCodeEntry> AllOf(string country) =>
        _countries.TryGetValue(country, out var codes) ? codes.Values : [];

    /// <summary>
    /// This gazetteer with every code of <paramref name="clearCountries"/> removed, then
    /// <paramref name="upserts"/> set (replacing the entry of the same key), then
    /// <paramref name="deletes"/> removed.
    /// </summary>
    public PostalGazetteer With(IReadOnlyList<PostalCodeEntry> upserts, IReadOnlyList<PostalKey> deletes, IReadOnlyList<string> clearCountries)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(deletes);
        ArgumentNullException.ThrowIfNull(clearCountries);
        if (upserts.Count == 0 && deletes.Count == 0 && clearCountries.Count == 0)
        {
            return this;
        }

        var countries = new Dictionary<string, Dictionary<string, PostalCodeEntry>>(_countries, StringComparer.Ordinal);
        var copied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var country in clearCountries)
        {
            countries[country] = new Dictionary<string, PostalCodeEntry>(StringComparer.Ordinal);
            copied.Add(country);
        }

        Dictionary<string, PostalCodeEntry> Writable(string country)
        {
            if (copied.Add(country))
            {
                countries[country] = countries.TryGetValue(country, out var old)
                    ? new Dictionary<string, PostalCodeEntry>(old, StringComparer.Ordinal)
                    : new Dictionary<string, PostalCodeEntry>(StringComparer.Ordinal);
            }

            return countries[country];
        }

        foreach (var entry in upserts)
        {
            Writable(entry.Country)[entry.Code] = entry;
        }

        foreach (var key in deletes)
        {
            if (countries.ContainsKey(key.Country))
            {
                Writable(key.Country).Remove(key.Code);
            }
        }

        foreach (var country in copied)
        {
            if (countries[country].Count == 0)
            {
                countries.Remove(country);
            }
        }

        return new PostalGazetteer(countries);
    }
}
