// The state of one GeoJSON read: the territories, repairs and problems so far.
using System.Text.Json;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Index.GeoJson;

/// <summary>
/// What one read has found so far. The <see cref="FeatureCollectionScanner"/> hands it each feature;
/// <see cref="Finish"/> adds the problems of the collection as a whole. Not thread-safe: one per read.
/// </summary>
internal sealed class GeoJsonReadSession(GeoJsonReadOptions options)
{
    // The scanner has checked the feature's syntax with the same limits.
    private static readonly JsonDocumentOptions FeatureJson = new() { MaxDepth = FeatureCollectionScanner.MaxJsonDepth };

    private readonly List<Territory> _territories = [];
    private readonly List<int> _featureIndexes = [];
    private readonly List<GeometryRepairRecord> _repairs = [];
    private readonly TerritoryFeatureReader _features = new(options);

    public GeoJsonReadOptions Options => options;

    public ProblemCollector Problems { get; } = new(options.Validation.MaxProblems);

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

        using var document = JsonDocument.Parse(json, FeatureJson);
        _territories.Add(_features.Read(document.RootElement, index, Problems, _repairs));
        _featureIndexes.Add(index);
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

    public void OnInvalidText(int? index, long offset, string what, string fix)
    {
        if (index is not null)
        {
            FeatureCount++;
        }

        Problems.Add(new ValidationProblem(ValidationProblemKind.MalformedJson, null, index,
            $"invalid text at byte offset {offset} of the input: {what}")
        {
            Fix = fix,
        });
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
}
