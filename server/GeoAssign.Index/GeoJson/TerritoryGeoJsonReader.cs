// Reads a GeoJSON FeatureCollection of territories from a stream, one feature at a time.
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Reads territories from a GeoJSON FeatureCollection (RFC 7946) with NetTopologySuite's GeoJSON
/// reader. Each Feature becomes a territory: the feature <c>id</c> (or an <c>id</c> property; a string
/// or an integer) is the id, and the properties <c>name</c> (string), <c>owner_id</c> (string),
/// <c>layer</c> (string, default <see cref="GeoJsonReadOptions.DefaultLayer"/>, <c>geo</c>), <c>priority</c> (integer, default 0) and
/// <c>parent_id</c> (string or integer) are its fields; every other property is kept as an attribute,
/// in order, exactly as written.
/// </summary>
/// <remarks>
/// <para>
/// Nothing in the input makes it throw: malformed JSON, wrong property types, unreadable
/// geometry, all become <see cref="ValidationProblem"/>s naming the feature by id, or by index when
/// it has none. <see cref="Import(Stream, TerritoryValidator?)"/> also runs
/// <see cref="TerritoryValidator.ValidateMap"/>, so one call reports every problem of the file.
/// </para>
/// <para>
/// Strict where leniency would hide a mistake: the input is RFC 8259 JSON in UTF-8 (no comments, no
/// trailing commas, no bytes that are not UTF-8, no <c>\u</c> escape of half a surrogate pair, nesting
/// at most 128 deep); <c>type</c>, <c>features</c>, and a feature's <c>type</c>, <c>id</c>,
/// <c>geometry</c> and <c>properties</c> appear once; a geometry's <c>type</c> is exactly a GeoJSON type
/// name; an attribute has a name, no number beyond the range of a double, no key twice inside its value,
/// and at most <see cref="Model.TerritoryAttributes.MaxDepth"/> levels of nesting. Repeated foreign
/// members are accepted: the reader ignores them, so they change nothing.
/// </para>
/// <para>
/// Streams: the file is read in chunks and each feature is parsed on its own, so memory is the
/// resulting territories plus a buffer of about the largest feature, however large the file.
/// </para>
/// <para>Immutable and thread-safe: one reader may read many streams at once.</para>
/// </remarks>
public sealed class TerritoryGeoJsonReader
{
    /// <summary>Creates a reader (with the default options when null).</summary>
    public TerritoryGeoJsonReader(GeoJsonReadOptions? options = null)
    {
        Options = options ?? GeoJsonReadOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxFeatureBytes, 1024);
        Options.Validation.Validate();
    }

    /// <summary>The options of this reader.</summary>
    public GeoJsonReadOptions Options { get; }

    /// <summary>Reads and validates a FeatureCollection: every reading and validation problem at once.</summary>
    public GeoJsonImportResult Import(Stream stream, TerritoryValidator? validator = null) =>
        Validate(Read(stream), validator);

    /// <summary>Reads and validates a FeatureCollection, reading the stream asynchronously.</summary>
    public async Task<GeoJsonImportResult> ImportAsync(Stream stream, TerritoryValidator? validator = null,
        CancellationToken cancellationToken = default) =>
        Validate(await ReadAsync(stream, cancellationToken).ConfigureAwait(false), validator);

    /// <summary>Reads and validates a FeatureCollection given as text.</summary>
    public GeoJsonImportResult ImportString(string geoJson, TerritoryValidator? validator = null)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        using var stream = new MemoryStream(ToUtf8(geoJson), false);
        return Import(stream, validator);
    }

    // Encoding.UTF8 would turn a lone surrogate into U+FFFD, a silent rewrite. Written as the three
    // bytes UTF-8 would give its code point, it is not UTF-8, and the read reports it with its feature
    // and offset like any other invalid text.
    private static byte[] ToUtf8(string text)
    {
        var chars = text.AsSpan();
        if (chars.IndexOfAnyInRange('\ud800', '\udfff') < 0)
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        var bytes = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 16);
        while (!chars.IsEmpty)
        {
            if (System.Text.Rune.DecodeFromUtf16(chars, out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                bytes.Advance(rune.EncodeToUtf8(bytes.GetSpan(4)));
            }
            else
            {
                int unit = chars[0];
                var span = bytes.GetSpan(3);
                span[0] = (byte)(0xE0 | (unit >> 12));
                span[1] = (byte)(0x80 | ((unit >> 6) & 0x3F));
                span[2] = (byte)(0x80 | (unit & 0x3F));
                bytes.Advance(3);
                used = 1;
            }

            chars = chars[used..];
        }

        return bytes.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a FeatureCollection without validating the territories (only the JSON and the
    /// property types are checked): the result must still go through a <see cref="TerritoryValidator"/>.
    /// </summary>
    public GeoJsonImportResult Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var session = new GeoJsonReadSession(Options);
        var scanner = new FeatureCollectionScanner(session);
        while (!scanner.Step())
        {
            scanner.Fill(stream);
        }

        return session.Finish(scanner);
    }

    /// <summary>Reads a FeatureCollection without validating the territories, reading the stream asynchronously.</summary>
    public async Task<GeoJsonImportResult> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var session = new GeoJsonReadSession(Options);
        var scanner = new FeatureCollectionScanner(session);
        while (!scanner.Step())
        {
            await scanner.FillAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        return session.Finish(scanner);
    }

    private GeoJsonImportResult Validate(GeoJsonImportResult read, TerritoryValidator? validator)
    {
        validator ??= new TerritoryValidator(Options.Validation);
        return ImportProblems.WithMapValidation(read, validator.ValidateMap(read.Territories), Options.Validation.MaxProblems);
    }
}
