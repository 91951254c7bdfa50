// Reads a GeoJSON FeatureCollection of territories from a stream, one feature at a time.
using System.Text.Json;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

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
/// Streams: the file is read in chunks and each feature is parsed on its own, so memory is the
/// resulting territories plus a buffer of about the largest feature, however large the file.
/// </para>
/// <para>Immutable and thread-safe: one reader may read many streams at once.</para>
/// </remarks>
public sealed class TerritoryGeoJsonReader
{
    private const int InitialBufferBytes = 64 * 1024;

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
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(geoJson), false);
        return Import(stream, validator);
    }

    /// <summary>
    /// Reads a FeatureCollection without validating the territories (only the JSON and the
    /// property types are checked): the result must still go through a <see cref="TerritoryValidator"/>.
    /// </summary>
    public GeoJsonImportResult Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var session = new ReadSession(this);
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
        var session = new ReadSession(this);
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
        var validation = validator.ValidateMap(read.Territories);
        // A feature whose geometry could not be read has an empty placeholder: validation would call
        // it empty. And a problem the reading reported is not reported again by validation.
        var placeholders = new HashSet<int>();
        var reported = new HashSet<(int, ValidationProblemKind)>();
        foreach (var problem in read.Problems)
        {
            if (problem.FeatureIndex is not { } index)
            {
                continue;
            }

            reported.Add((index, problem.Kind));
            if (problem.Kind == ValidationProblemKind.NoAreaAfterRepair)
            {
                reported.Add((index, ValidationProblemKind.InvalidGeometry));
            }
            if (problem.Kind is ValidationProblemKind.MissingGeometry or ValidationProblemKind.MalformedGeometry
                or ValidationProblemKind.RingNotClosed or ValidationProblemKind.RingTooShort
                or ValidationProblemKind.CoordinateNotFinite or ValidationProblemKind.UnsupportedGeometryType)
            {
                placeholders.Add(index);
            }
        }

        // Validation names territories by list index; the file names them by feature index.
        var merged = new List<(int Order, ValidationProblem Problem)>();
        var order = 0;
        foreach (var problem in read.Problems)
        {
            merged.Add((order++, problem));
        }

        foreach (var problem in validation.Problems)
        {
            var mapped = problem.FeatureIndex is { } i ? problem with { FeatureIndex = read.FeatureIndexes[i] } : problem;
            if (mapped.FeatureIndex is { } f
                && ((mapped.Kind == ValidationProblemKind.EmptyGeometry && placeholders.Contains(f)) || reported.Contains((f, mapped.Kind))))
            {
                continue;
            }

            merged.Add((order++, mapped));
        }

        merged.Sort(static (a, b) =>
        {
            var byFeature = (a.Problem.FeatureIndex ?? int.MaxValue).CompareTo(b.Problem.FeatureIndex ?? int.MaxValue);
            return byFeature != 0 ? byFeature : a.Order.CompareTo(b.Order);
        });

        var max = Options.Validation.MaxProblems;
        var listed = new List<ValidationProblem>(Math.Min(max, merged.Count));
        for (var i = 0; i < merged.Count && i < max; i++)
        {
            listed.Add(merged[i].Problem);
        }

        var total = read.Validation.TotalProblemCount + validation.TotalProblemCount
            - (read.Validation.Problems.Count + validation.Problems.Count - merged.Count);
        var result = total == 0 ? ValidationResult.Valid : new ValidationResult(listed.AsReadOnly(), Math.Max(total, listed.Count));
        return new GeoJsonImportResult(read.Territories, read.FeatureIndexes, result, read.Repairs)
        {
            LargestBufferBytes = read.LargestBufferBytes,
        };
    }

    // The state of one read: the territories and problems so far.
    private sealed class ReadSession(TerritoryGeoJsonReader reader)
    {
        private static readonly NtsGeometry Placeholder = GeoJsonSerialization.Factory.CreateMultiPolygon();

        private readonly List<Territory> _territories = [];
        private readonly List<int> _featureIndexes = [];
        private readonly List<GeometryRepairRecord> _repairs = [];
        private readonly HashSet<string> _propertyNames = new(StringComparer.Ordinal);

        public GeoJsonReadOptions Options => reader.Options;

        public ProblemCollector Problems { get; } = new(reader.Options.Validation.MaxProblems);

        public int FeatureCount { get; private set; }

        public GeoJsonImportResult Finish(FeatureCollectionScanner scanner)
        {
            if (!scanner.Stopped)
            {
                if (scanner.TopLevelType is null)
                {
                    Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                        "the top-level object has no \"type\": \"FeatureCollection\"")
                    {
                        Fix = "the file must be one GeoJSON FeatureCollection: {\"type\": \"FeatureCollection\", \"features\": [ … ]}",
                    });
                }
                else if (scanner.TopLevelType != "FeatureCollection")
                {
                    Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                        $"the top-level GeoJSON object is a {scanner.TopLevelType}, not a FeatureCollection")
                    {
                        Fix = "wrap the features in {\"type\": \"FeatureCollection\", \"features\": [ … ]}",
                    });
                }

                if (!scanner.SawFeatures)
                {
                    Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                        "the FeatureCollection has no \"features\" array")
                    {
                        Fix = "list the territories in \"features\": [ … ]",
                    });
                }
            }

            return new GeoJsonImportResult(_territories.AsReadOnly(), _featureIndexes.AsReadOnly(),
                Problems.ToResult(), _repairs.AsReadOnly())
            {
                LargestBufferBytes = scanner.BufferBytes,
            };
        }

        // Returns false to stop reading.
        public bool OnFeature(ReadOnlyMemory<byte> json, int index)
        {
            FeatureCount++;
            if (FeatureCount > Options.Validation.MaxTerritoriesPerMap)
            {
                Problems.Add(new ValidationProblem(ValidationProblemKind.TooManyTerritories, null, null,
                    $"the FeatureCollection has more than {Options.Validation.MaxTerritoriesPerMap:N0} features, the limit of territories per map")
                {
                    Fix = "split the map, or raise ValidationOptions.MaxTerritoriesPerMap if the server has the memory",
                });
                return false;
            }

            using var document = JsonDocument.Parse(json);
            ReadFeature(document.RootElement, index);
            return true;
        }

        public void OnFeatureTooLarge(int index)
        {
            FeatureCount++;
            Problems.Add(new ValidationProblem(ValidationProblemKind.FeatureTooLarge, null, index,
                $"the feature is larger than {Options.MaxFeatureBytes:N0} bytes of JSON, the limit of one feature")
            {
                Fix = "simplify or split the territory, or raise GeoJsonReadOptions.MaxFeatureBytes",
            });
        }

        public void OnNonObjectFeature(JsonTokenType token, int index)
        {
            FeatureCount++;
            Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedFeature, null, index,
                $"the feature is a JSON {Describe(token)}, not a GeoJSON Feature object"));
        }

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartArray => "array",
            JsonTokenType.String => "string",
            JsonTokenType.Number => "number",
            JsonTokenType.True or JsonTokenType.False => "boolean",
            JsonTokenType.Null => "null",
            _ => token.ToString(),
        };

        private void ReadFeature(JsonElement feature, int index)
        {
            string? type = null;
            JsonElement idElement = default, geometryElement = default, propertiesElement = default;
            foreach (var member in feature.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "type":
                        type = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : member.Value.GetRawText();
                        break;
                    case "id":
                        idElement = member.Value;
                        break;
                    case "geometry":
                        geometryElement = member.Value;
                        break;
                    case "properties":
                        propertiesElement = member.Value;
                        break;
                }
            }

            // The id first, so that every other problem can name the feature.
            var problems = new List<ValidationProblem>();
            var id = ReadIdValue(idElement, "id", null, index, problems);
            var hasProperties = propertiesElement.ValueKind == JsonValueKind.Object;
            if (hasProperties && propertiesElement.TryGetProperty("id", out var idProperty))
            {
                var propertyId = ReadIdValue(idProperty, "the \"id\" property", id, index, problems);
                if (id is not null && propertyId is not null && id != propertyId)
                {
                    problems.Add(new ValidationProblem(ValidationProblemKind.ConflictingId, id, index,
                        $"the feature id '{id}' and the \"id\" property '{propertyId}' differ")
                    {
                        Fix = "give the id once, as the feature \"id\"",
                    });
                }

                id ??= propertyId;
            }

            if (type != "Feature")
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.MalformedFeature, id, index,
                    type is null ? "the feature has no \"type\": \"Feature\"" : $"the feature's \"type\" is {type}, not \"Feature\""));
            }

            string name = "", owner = "", layer = Options.DefaultLayer;
            string? parent = null;
            var priority = 0;
            var attributes = TerritoryAttributes.Empty;
            if (hasProperties)
            {
                List<KeyValuePair<string, JsonElement>>? extra = null;
                _propertyNames.Clear();
                foreach (var property in propertiesElement.EnumerateObject())
                {
                    if (!_propertyNames.Add(property.Name))
                    {
                        problems.Add(new ValidationProblem(ValidationProblemKind.DuplicateProperty, id, index,
                            $"the property \"{property.Name}\" appears more than once")
                        {
                            Fix = "give each property once",
                        });
                        continue;
                    }

                    var value = property.Value;
                    switch (property.Name)
                    {
                        case "id":
                            break;
                        case "name":
                            name = ReadString(value, "name", "", id, index, problems);
                            break;
                        case "owner_id":
                            owner = ReadString(value, "owner_id", "", id, index, problems);
                            break;
                        case "layer":
                            layer = ReadString(value, "layer", Options.DefaultLayer, id, index, problems);
                            break;
                        case "parent_id":
                            parent = ReadIdValue(value, "parent_id", id, index, problems);
                            break;
                        case "priority":
                            priority = ReadPriority(value, id, index, problems);
                            break;
                        default:
                            (extra ??= []).Add(new(property.Name, value));
                            break;
                    }
                }

                if (extra is not null)
                {
                    attributes = TerritoryAttributes.Create(extra);
                }
            }
            else if (propertiesElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index,
                    $"\"properties\" is a JSON {propertiesElement.ValueKind.ToString().ToLowerInvariant()}, not an object")
                {
                    Fix = "give the properties as an object: \"properties\": {\"owner_id\": \"rep-001\", …}",
                });
            }

            var geometry = ReadGeometry(geometryElement, id, index, problems);
            foreach (var problem in problems)
            {
                Problems.Add(problem);
            }

            if (geometry is not null && Options.RepairInvalidGeometry)
            {
                // First the antimeridian (a ring read across ±180 can look self-intersecting), then the topology.
                var before = geometry.NumPoints;
                var splitReason = "";
                if (AntimeridianRepair.TryRepair(geometry, out var split, out splitReason))
                {
                    geometry = split;
                }

                switch (GeometryRepair.TryRepair(geometry, out var repaired, out var reason))
                {
                    case GeometryRepairOutcome.Repaired:
                        _repairs.Add(new GeometryRepairRecord(id, index, splitReason.Length == 0 ? reason : $"{splitReason}; then {reason}", before, repaired.NumPoints));
                        geometry = repaired;
                        break;
                    case GeometryRepairOutcome.NotRepaired when splitReason.Length > 0:
                        _repairs.Add(new GeometryRepairRecord(id, index, splitReason, before, geometry.NumPoints));
                        break;
                    case GeometryRepairOutcome.NoArea:
                        Problems.Add(new ValidationProblem(ValidationProblemKind.NoAreaAfterRepair, id, index,
                            $"the geometry is invalid ({reason}) and has no area left once repaired")
                        {
                            Fix = "delete the territory, or give it a boundary that encloses an area",
                        });
                        break;
                }
            }

            _territories.Add(new Territory
            {
                Id = id ?? "",
                Name = name,
                OwnerId = owner,
                Layer = layer,
                Priority = priority,
                ParentId = parent,
                Attributes = attributes,
                Geometry = geometry ?? Placeholder,
            });
            _featureIndexes.Add(index);
        }

        // Ids are strings; integers are accepted as their decimal text, as GeoJSON allows numeric feature ids.
        private static string? ReadIdValue(JsonElement value, string what, string? id, int index, List<ValidationProblem> problems)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Undefined or JsonValueKind.Null:
                    return null;
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.Number when value.TryGetInt64(out var number):
                    return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                default:
                    problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index,
                        $"{what} is {Show(value)}; it must be a string or an integer")
                    {
                        Fix = $"write {what} as a string, e.g. \"T-17\"",
                    });
                    return null;
            }
        }

        private static string ReadString(JsonElement value, string property, string fallback, string? id, int index,
            List<ValidationProblem> problems)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    return fallback;
                case JsonValueKind.String:
                    return value.GetString() ?? fallback;
                default:
                    problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index,
                        $"\"{property}\" is {Show(value)}; it must be a string")
                    {
                        Fix = $"write \"{property}\" as a string, e.g. \"{property}\": \"{(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : "…")}\"",
                    });

                    // Not empty, so that a wrongly typed owner_id is not also reported as missing.
                    return value.GetRawText();
            }
        }

        private static int ReadPriority(JsonElement value, string? id, int index, List<ValidationProblem> problems)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return 0;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var priority))
            {
                return priority;
            }

            var detail = value.ValueKind == JsonValueKind.Number
                ? $"\"priority\" is {value.GetRawText()}; it must be a whole number from {int.MinValue} to {int.MaxValue}"
                : $"\"priority\" is {Show(value)}; it must be an integer number";
            problems.Add(new ValidationProblem(ValidationProblemKind.WrongPropertyType, id, index, detail)
            {
                Fix = "write the priority as a JSON integer without quotes, e.g. \"priority\": 10 (higher wins at borders)",
            });
            return 0;
        }

        private static string Show(JsonElement value)
        {
            var text = value.GetRawText();
            if (text.Length > 40)
            {
                text = text[..40] + "…";
            }

            return value.ValueKind switch
            {
                JsonValueKind.String => $"the string {text}",
                JsonValueKind.Number => $"the number {text}",
                JsonValueKind.True or JsonValueKind.False => $"the boolean {text}",
                JsonValueKind.Object => "an object",
                JsonValueKind.Array => "an array",
                _ => text,
            };
        }

        private static NtsGeometry? ReadGeometry(JsonElement element, string? id, int index, List<ValidationProblem> problems)
        {
            if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                problems.Add(new ValidationProblem(ValidationProblemKind.MissingGeometry, id, index,
                    element.ValueKind == JsonValueKind.Null ? "the geometry is null" : "the feature has no \"geometry\"")
                {
                    Fix = "give the feature a Polygon or MultiPolygon geometry",
                });
                return null;
            }

            try
            {
                var geometry = element.Deserialize<NtsGeometry>(GeoJsonSerialization.Options);
                if (geometry is not null)
                {
                    return geometry;
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // NTS's reader refuses unclosed and short rings, bad positions and unknown types by
                // throwing; the diagnosis below says precisely what and where.
                if (!GeometryDiagnosis.Diagnose(element, id, index, problems))
                {
                    problems.Add(new ValidationProblem(ValidationProblemKind.MalformedGeometry, id, index,
                        $"the geometry could not be read: {exception.Message}"));
                }

                return null;
            }

            problems.Add(new ValidationProblem(ValidationProblemKind.MissingGeometry, id, index, "the geometry is empty JSON"));
            return null;
        }
    }

    // Splits the input into features without holding more than about one feature in memory.
    private sealed class FeatureCollectionScanner(ReadSession session)
    {
        private enum Phase
        {
            Start,
            Members,
            TypeValue,
            FeaturesValue,
            Features,
            SkipValue,
            End,
        }

        private byte[] _buffer = new byte[Math.Min(InitialBufferBytes, session.Options.MaxFeatureBytes)];
        private int _start;
        private int _end;
        private bool _endOfInput;
        private bool _started;
        private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        private Phase _phase = Phase.Start;
        private int _featureIndex;

        public string? TopLevelType { get; private set; }

        /// <summary>The size of the buffer, which only grows.</summary>
        public int BufferBytes => _buffer.Length;

        public bool SawFeatures { get; private set; }

        /// <summary>Whether reading stopped at a problem before the end of the input.</summary>
        public bool Stopped { get; private set; }

        public void Fill(Stream stream)
        {
            if (!MakeRoom())
            {
                return;
            }

            // Fill the free space completely: a value that does not fit is then scanned once per
            // doubling of the buffer, not once per read of a slow stream.
            while (_end < _buffer.Length)
            {
                var read = stream.Read(_buffer, _end, _buffer.Length - _end);
                Advance(read);
                if (read == 0)
                {
                    return;
                }
            }
        }

        public async ValueTask FillAsync(Stream stream, CancellationToken cancellationToken)
        {
            if (!MakeRoom())
            {
                return;
            }

            while (_end < _buffer.Length)
            {
                var read = await stream.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), cancellationToken).ConfigureAwait(false);
                Advance(read);
                if (read == 0)
                {
                    return;
                }
            }
        }

        private void Advance(int read)
        {
            if (read == 0)
            {
                _endOfInput = true;
                return;
            }

            _end += read;
            if (!_started && _end >= 3)
            {
                // A UTF-8 byte order mark is allowed before JSON text.
                _started = true;
                if (_buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
                {
                    _start = 3;
                }
            }
        }

        // Moves unread bytes to the front, growing the buffer when one value fills it.
        private bool MakeRoom()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end < _buffer.Length)
            {
                return true;
            }

            if (_buffer.Length >= session.Options.MaxFeatureBytes)
            {
                // One value fills the largest buffer allowed: reading stops here.
                session.OnFeatureTooLarge(_featureIndex);
                Stopped = true;
                return false;
            }

            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, session.Options.MaxFeatureBytes));
            return true;
        }

        /// <summary>Processes what is buffered; true when reading is over, false when more input is needed.</summary>
        public bool Step()
        {
            if (Stopped)
            {
                return true;
            }

            if (!_started && !_endOfInput && _end < 3)
            {
                return false;
            }

            _started = true;

            // Never a final block: at the end of the input an incomplete value makes Read return
            // false (reported as input that ends early) instead of throwing.
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), isFinalBlock: false, _state);
            try
            {
                return Process(ref reader);
            }
            catch (JsonException exception)
            {
                session.Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                    $"the input is not valid JSON near line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}: {exception.Message}")
                {
                    Fix = "the file must be one GeoJSON FeatureCollection in UTF-8 JSON",
                });
                Stopped = true;
                return true;
            }
        }

        private bool Process(ref Utf8JsonReader reader)
        {
            while (true)
            {
                var stateBefore = reader.CurrentState;
                var consumedBefore = reader.BytesConsumed;
                if (!reader.Read())
                {
                    return NeedMore(stateBefore, consumedBefore);
                }

                switch (_phase)
                {
                    case Phase.Start:
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            session.Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                                "the input is not a JSON object; it must be a GeoJSON FeatureCollection")
                            {
                                Fix = "the file must be one GeoJSON FeatureCollection: {\"type\": \"FeatureCollection\", \"features\": [ … ]}",
                            });
                            Stopped = true;
                            return true;
                        }

                        _phase = Phase.Members;
                        break;

                    case Phase.Members:
                        if (reader.TokenType == JsonTokenType.EndObject)
                        {
                            _phase = Phase.End;
                        }
                        else if (reader.ValueTextEquals("type"u8))
                        {
                            _phase = Phase.TypeValue;
                        }
                        else if (reader.ValueTextEquals("features"u8))
                        {
                            _phase = Phase.FeaturesValue;
                        }
                        else
                        {
                            _phase = Phase.SkipValue;
                        }

                        break;

                    case Phase.TypeValue:
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            TopLevelType = reader.GetString();
                        }
                        else if (!TrySkip(ref reader))
                        {
                            return NeedMore(stateBefore, consumedBefore);
                        }
                        else
                        {
                            TopLevelType = "non-string";
                        }

                        _phase = Phase.Members;
                        break;

                    case Phase.SkipValue:
                        if (!TrySkip(ref reader))
                        {
                            return NeedMore(stateBefore, consumedBefore);
                        }

                        _phase = Phase.Members;
                        break;

                    case Phase.FeaturesValue:
                        if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            SawFeatures = true;
                            _phase = Phase.Features;
                            break;
                        }

                        if (!TrySkip(ref reader))
                        {
                            return NeedMore(stateBefore, consumedBefore);
                        }

                        session.Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                            "\"features\" is not an array")
                        {
                            Fix = "list the territories in \"features\": [ … ]",
                        });
                        SawFeatures = true;
                        _phase = Phase.Members;
                        break;

                    case Phase.Features:
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            _phase = Phase.Members;
                            break;
                        }

                        var tokenStart = reader.TokenStartIndex;
                        var token = reader.TokenType;
                        if (!TrySkip(ref reader))
                        {
                            return NeedMore(stateBefore, consumedBefore);
                        }

                        var length = reader.BytesConsumed - tokenStart;
                        if (length > session.Options.MaxFeatureBytes)
                        {
                            session.OnFeatureTooLarge(_featureIndex++);
                        }
                        else if (token == JsonTokenType.StartObject)
                        {
                            var json = _buffer.AsMemory(_start + (int)tokenStart, (int)length);
                            if (!session.OnFeature(json, _featureIndex++))
                            {
                                Stopped = true;
                                return true;
                            }
                        }
                        else
                        {
                            session.OnNonObjectFeature(token, _featureIndex++);
                        }

                        break;

                    case Phase.End:
                        // The reader rejects anything after the top-level value itself.
                        break;
                }
            }
        }

        private static bool TrySkip(ref Utf8JsonReader reader) =>
            reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || reader.TrySkip();

        private bool NeedMore(JsonReaderState stateBefore, long consumedBefore)
        {
            _state = stateBefore;
            _start += (int)consumedBefore;
            if (!_endOfInput)
            {
                return false;
            }

            if (_phase == Phase.End)
            {
                if (_buffer.AsSpan(_start, _end - _start).Trim(" \t\r\n"u8).Length > 0)
                {
                    session.Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                        "the input is not valid JSON: there is more after the FeatureCollection")
                    {
                        Fix = "the file must be one GeoJSON FeatureCollection and nothing else",
                    });
                    Stopped = true;
                }

                return true;
            }

            var empty = _phase == Phase.Start && _buffer.AsSpan(_start, _end - _start).Trim(" \t\r\n"u8).Length == 0;
            session.Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                empty ? "the input is empty" : "the input ends before the FeatureCollection does")
            {
                Fix = "the file must be one complete GeoJSON FeatureCollection",
            });
            Stopped = true;
            return true;
        }
    }
}
