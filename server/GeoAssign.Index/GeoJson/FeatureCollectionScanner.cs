// Splits a GeoJSON FeatureCollection arriving in chunks into its features, with Utf8JsonReader.
using System.Text.Json;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// Scans the top level of a FeatureCollection as its bytes arrive and hands each feature, whole, to
/// the <see cref="GeoJsonReadSession"/>, without holding more than about one feature in memory.
/// Not thread-safe: one per read.
/// </summary>
internal sealed class FeatureCollectionScanner(GeoJsonReadSession session)
{
    /// <summary>
    /// How deep the input may nest: twice the JSON reader's default, so that an attribute nested past
    /// <see cref="Model.TerritoryAttributes.MaxDepth"/> (at depth 4 of the input) is still read and
    /// reported by name, while a file nested without end is refused.
    /// </summary>
    internal const int MaxJsonDepth = 128;

    private const int InitialBufferBytes = 64 * 1024;

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

    // Bytes of the input dropped from the front of the buffer, and the end of the text checked so far
    // (both counted in the input, so that problems give offsets in the input).
    private long _discarded;
    private long _checkedTo;

    // Strict RFC 8259: no comments, no trailing commas (the defaults). A comment would otherwise be
    // skipped between features yet refused inside one, and JSON has none.
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = MaxJsonDepth });
    private Phase _phase = Phase.Start;
    private int _featureIndex;
    private int _typeMembers;
    private int _featuresMembers;

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
                _checkedTo = 3;
            }
        }
    }

    // Moves unread bytes to the front, growing the buffer when one value fills it.
    private bool MakeRoom()
    {
        if (_start > 0)
        {
            _discarded += _start;
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
            // Within the features array the error is in the feature being read (or where the next should start).
            session.Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, _phase == Phase.Features ? _featureIndex : null,
                $"the input is not valid JSON near line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}: {exception.Message}")
            {
                // The reader's message names the character it refused; a '/' starts a comment.
                Fix = exception.Message.Contains("'/'", StringComparison.Ordinal)
                    ? "remove the comment: JSON (RFC 8259) has no comments"
                    : "the file must be one GeoJSON FeatureCollection in UTF-8 JSON",
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
                    if (!TextIsValid(ref reader))
                    {
                        Stopped = true;
                        return true;
                    }

                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        _phase = Phase.End;
                    }
                    else if (reader.ValueTextEquals("type"u8))
                    {
                        ReportIfRepeated(ref _typeMembers, "type");
                        _phase = Phase.TypeValue;
                    }
                    else if (reader.ValueTextEquals("features"u8))
                    {
                        // The features of both arrays are read (and numbered on), so that all are checked.
                        ReportIfRepeated(ref _featuresMembers, "features");
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
                        if (!TextIsValid(ref reader))
                        {
                            Stopped = true;
                            return true;
                        }

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
                    if (!TextIsValid(ref reader, _featureIndex, _start + (int)tokenStart))
                    {
                        // Reported; the feature is left out and the others are still read.
                        _featureIndex++;
                    }
                    else if (length > session.Options.MaxFeatureBytes)
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

    private bool TextIsValid(ref Utf8JsonReader reader, int? featureIndex = null, int featureStart = 0) =>
        TextIsValid(_start + (int)reader.BytesConsumed, featureIndex, featureStart);

    // Checks the text from where the last check ended (always a token boundary) to end, an index into
    // the buffer, and reports what is invalid; a problem within [featureStart, end) names the feature.
    private bool TextIsValid(int end, int? featureIndex, int featureStart)
    {
        var from = (int)(_checkedTo - _discarded);
        var at = JsonTextCheck.FindInvalid(_buffer.AsSpan(from, end - from), out var what, out var fix);
        _checkedTo = _discarded + end;
        if (at < 0)
        {
            return true;
        }

        session.OnInvalidText(from + at >= featureStart ? featureIndex : null, _discarded + from + at, what, fix);
        return false;
    }

    // RFC 8259 leaves it to each reader which of two equal names counts: the file would mean different
    // things to different readers, so it is refused rather than read one way. (Foreign members are
    // ignored, so a repeated one changes nothing and is accepted.)
    private void ReportIfRepeated(ref int count, string member)
    {
        if (++count == 2)
        {
            session.Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, null,
                $"the FeatureCollection has \"{member}\" more than once")
            {
                Fix = $"give \"{member}\" once",
            });
        }
    }

    private static bool TrySkip(ref Utf8JsonReader reader) =>
        reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || reader.TrySkip();

    private bool NeedMore(JsonReaderState stateBefore, long consumedBefore)
    {
        _state = stateBefore;
        _start += (int)consumedBefore;

        // What is consumed leaves the buffer: its text is checked first.
        if (!TextIsValid(_start, null, 0))
        {
            Stopped = true;
            return true;
        }

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
