// Free attributes of a territory: an immutable, ordered map from property name to JSON value.
using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace GeoAssign.Index.Model;

/// <summary>
/// The free attributes of a <see cref="Territory"/>: every GeoJSON property that is not one of the
/// reserved ones (<c>id</c>, <c>name</c>, <c>owner_id</c>, <c>layer</c>, <c>priority</c>,
/// <c>parent_id</c>), kept as JSON values in their original order so that export reproduces them
/// faithfully (numbers keep their exact text, nested objects and arrays stay as they were).
/// </summary>
/// <remarks>
/// Construction checks only that names are distinct; <see cref="Validation.TerritoryValidator"/> refuses
/// what could not come back exactly as given (an empty name, a number beyond the range of a double, a
/// key given twice inside a value, nesting deeper than <see cref="MaxDepth"/>).
/// Immutable and thread-safe: values are <see cref="JsonElement"/>s backed by a private copy of their
/// JSON text, never by a caller's pooled document. Equality is JSON equality
/// (<see cref="JsonElement.DeepEquals"/>) and ignores the order of the keys, as JSON objects do.
/// </remarks>
public sealed class TerritoryAttributes : IReadOnlyDictionary<string, JsonElement>, IEquatable<TerritoryAttributes>
{
    /// <summary>
    /// The deepest an attribute value may nest objects and arrays (a scalar is 0, <c>[1]</c> is 1).
    /// The API carries attributes as a <c>google.protobuf.Struct</c>, which spends three levels of
    /// message nesting per object, and protobuf decoders refuse messages nested deeper than 100 by
    /// default: inside a Territory message, 32 levels of objects is the most every client can read.
    /// <see cref="Validation.TerritoryValidator"/> refuses deeper values.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>No attributes.</summary>
    public static TerritoryAttributes Empty { get; } = new([], []);

    private readonly string[] _keys;
    private readonly JsonElement[] _values;

    private TerritoryAttributes(string[] keys, JsonElement[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>
    /// Creates attributes from name/value pairs, in the given order. The values are copied, so the
    /// caller may dispose the documents they came from.
    /// </summary>
    /// <exception cref="ArgumentException">A name is null or appears twice.</exception>
    public static TerritoryAttributes Create(IEnumerable<KeyValuePair<string, JsonElement>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var buffer = new ArrayBufferWriter<byte>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in attributes)
            {
                if (name is null)
                {
                    throw new ArgumentException("An attribute name is null.", nameof(attributes));
                }

                if (!seen.Add(name))
                {
                    throw new ArgumentException($"The attribute '{name}' appears twice.", nameof(attributes));
                }

                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return seen.Count == 0 ? Empty : FromObjectJson(buffer.WrittenMemory);
    }

    /// <summary>
    /// Parses attributes from the text of a JSON object, e.g. <c>{"region":"west","quota":12.5}</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a JSON object or repeats a name.</exception>
    public static TerritoryAttributes Parse(string jsonObject)
    {
        ArgumentNullException.ThrowIfNull(jsonObject);
        using var document = JsonDocument.Parse(jsonObject);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("Attributes must be a JSON object.", nameof(jsonObject));
        }

        var pairs = new List<KeyValuePair<string, JsonElement>>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            pairs.Add(new(property.Name, property.Value));
        }

        return Create(pairs);
    }

    private static TerritoryAttributes FromObjectJson(ReadOnlyMemory<byte> objectJson)
    {
        // One private document per territory holds every value; JsonElement.Clone would make one per value.
        using var document = JsonDocument.Parse(objectJson);
        var root = document.RootElement.Clone();
        var count = 0;
        foreach (var _ in root.EnumerateObject())
        {
            count++;
        }

        var keys = new string[count];
        var values = new JsonElement[count];
        var i = 0;
        foreach (var property in root.EnumerateObject())
        {
            keys[i] = property.Name;
            values[i] = property.Value;
            i++;
        }

        return new TerritoryAttributes(keys, values);
    }

    /// <summary>The number of attributes.</summary>
    public int Count => _keys.Length;

    /// <summary>The attribute names, in their original order.</summary>
    public IEnumerable<string> Keys => _keys;

    /// <summary>The attribute values, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<JsonElement> Values => _values;

    /// <summary>The value of the named attribute.</summary>
    /// <exception cref="KeyNotFoundException">There is no such attribute.</exception>
    public JsonElement this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No attribute named '{key}'.");

    /// <summary>Whether an attribute with this name exists (ordinal comparison).</summary>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>Gets the value of the named attribute, if present.</summary>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = default;
            return false;
        }

        value = _values[index];
        return true;
    }

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < _keys.Length; i++)
        {
            if (string.Equals(_keys[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Writes every attribute as a property of the JSON object the writer is in.</summary>
    public void WriteProperties(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        for (var i = 0; i < _keys.Length; i++)
        {
            writer.WritePropertyName(_keys[i]);
            _values[i].WriteTo(writer);
        }
    }

    /// <summary>The attributes as the text of a JSON object.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteProperties(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            yield return new KeyValuePair<string, JsonElement>(_keys[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>JSON equality of the two attribute sets, ignoring key order.</summary>
    public bool Equals(TerritoryAttributes? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Count != Count)
        {
            return false;
        }

        for (var i = 0; i < _keys.Length; i++)
        {
            if (!other.TryGetValue(_keys[i], out var otherValue) || !JsonElement.DeepEquals(_values[i], otherValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TerritoryAttributes);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        // Order-independent: XOR of the key hashes.
        var hash = Count;
        foreach (var key in _keys)
        {
            hash ^= StringComparer.Ordinal.GetHashCode(key);
        }

        return hash;
    }

    /// <inheritdoc/>
    public override string ToString() => ToJson();
}
