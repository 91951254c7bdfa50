using System.Buffers;
using System.Text;
using System.Text.Json;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

// Text JSON cannot carry (bytes that are not UTF-8, escapes of half a surrogate pair) is a problem
// naming the feature and the byte offset, however the input arrives; never an exception or U+FFFD.
public sealed class GeoJsonTextTests
{
    private const string Square = """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""";

    // § marks where the bad text goes.
    private static string Collection(params string[] features) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";

    private static string Feature(string id, string properties, string geometry = Square) =>
        $$"""{"type":"Feature","id":{{id}},"geometry":{{geometry}},"properties":{{properties}}}""";

    private static readonly string Ok = Feature("\"ok\"", """{"owner_id":"r"}""");

    // Every kind of string: ids, values, names, nested, geometry, feature and collection members.
    // The feature index is -1 where the text is outside every feature.
    private static readonly (string Json, int Feature)[] Places =
    [
        (Collection(Feature("\"a§\"", """{"owner_id":"r"}""")), 0),
        (Collection(Ok, Feature("\"a\"", """{"owner_id":"r","region":"§"}""")), 1),
        (Collection(Feature("\"a\"", """{"owner_id":"r§"}""")), 0),
        (Collection(Feature("\"a\"", """{"owner_id":"r","re§gion":1}""")), 0),
        (Collection(Ok, Ok.Replace("ok", "b"), Feature("\"a\"", """{"owner_id":"r","tags":{"x":["§"]}}""")), 2),
        (Collection(Feature("\"a\"", """{"owner_id":"r"}""", Square.Replace("Polygon", "Polygon§"))), 0),
        (Collection(Feature("\"a\"", """{"owner_id":"r"}""", Square.Replace("\"type\"", "\"§\":1,\"type\""))), 0),
        (Collection(Feature("\"a\"", """{"owner_id":"r"}""").Replace("\"Feature\"", "\"Feature§\"")), 0),
        (Collection(Ok, "\"§\""), 1),
        (Collection(Ok).Replace("{\"type\"", "{\"title\":\"§\",\"type\""), -1),
        (Collection(Ok).Replace("\"FeatureCollection\"", "\"FeatureCollection§\""), -1),
    ];

    public static TheoryData<string> BadBytes => new()
    {
        "FF", "C3 28", "80", "C0 80", "E2 82", "ED A0 80", "F4 90 80 80",
    };

    private static byte[] WithBytes(string json, byte[] bad)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var at = Encoding.UTF8.GetBytes(json[..json.IndexOf('§')]).Length;
        return [.. bytes.AsSpan(0, at), .. bad, .. bytes.AsSpan(at + "§"u8.Length)];
    }

    private static async Task<List<GeoJsonImportResult>> ReadEveryWay(byte[] bytes)
    {
        var reader = new TerritoryGeoJsonReader();
        var results = new List<GeoJsonImportResult> { reader.Import(new MemoryStream(bytes)) };
        foreach (var chunk in new[] { 1, 2, 3, 5 })
        {
            results.Add(await reader.ImportAsync(new TrickleStream(bytes, chunk)));
            results.Add(reader.Import(new TrickleStream(bytes, chunk)));
        }

        return results;
    }

    private static void AssertOneTextProblem(GeoJsonImportResult result, int featureIndex, long offset, string what)
    {
        var problem = Assert.Single(result.Problems, p => p.Kind == ValidationProblemKind.MalformedJson);
        Assert.Equal(featureIndex < 0 ? null : featureIndex, problem.FeatureIndex);
        Assert.Contains($"at byte offset {offset} of the input", problem.Detail);
        Assert.Contains(what, problem.Detail);
        Assert.NotNull(problem.Fix);
    }

    [Theory]
    [MemberData(nameof(BadBytes))]
    public async Task Bytes_that_are_not_utf8_in_any_string_are_a_problem_naming_the_feature_and_offset(string hex)
    {
        var bad = Convert.FromHexString(hex.Replace(" ", ""));
        foreach (var (json, feature) in Places)
        {
            var bytes = WithBytes(json, bad);
            var offset = Encoding.UTF8.GetBytes(json[..json.IndexOf('§')]).Length;
            foreach (var result in await ReadEveryWay(bytes))
            {
                Assert.False(result.IsValid);
                // The problem shows the bytes from the first that cannot start or continue a character.
                AssertOneTextProblem(result, feature, offset, hex[..2]);
            }
        }
    }

    public static TheoryData<string> LoneSurrogates => new()
    {
        @"\ud800", @"\uDFFF", @"\ud800\u0041", @"\ude00\ud83d", @"\ud83d\ud83d",
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task An_escape_of_half_a_surrogate_pair_in_any_string_is_a_problem_naming_the_feature_and_offset(string escape)
    {
        foreach (var (json, feature) in Places)
        {
            var text = json.Replace("§", escape);
            var offset = Encoding.UTF8.GetBytes(json[..json.IndexOf('§')]).Length;
            foreach (var result in await ReadEveryWay(Encoding.UTF8.GetBytes(text)))
            {
                Assert.False(result.IsValid);
                AssertOneTextProblem(result, feature, offset, "surrogate");
            }
        }
    }

    [Fact]
    public async Task Text_split_across_chunks_anywhere_is_read_exactly()
    {
        var json = Collection(
            Feature("\"é-😀-\\ud83d\\ude00-€\"", """{"owner_id":"rép","name":"Zürich – Ελλάδα – 東京 – 😀","tags":{"ü":["\u00e9","\ud83d\ude00"]}}"""),
            Feature("\"b\"", """{"owner_id":"r","\ud83d\ude00":"ok"}"""));
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = new TerritoryGeoJsonReader().ImportString(json);
        Assert.True(expected.IsValid, expected.Validation.ToString());
        Assert.Equal("é-😀-😀-€", expected.Territories[0].Id);
        Assert.Equal("Zürich – Ελλάδα – 東京 – 😀", expected.Territories[0].Name);

        foreach (var result in await ReadEveryWay(bytes))
        {
            Assert.True(result.IsValid, result.Validation.ToString());
            Assert.Equal(expected.Territories, result.Territories);
        }
    }

    // A limit of 1 KiB a feature makes the read buffer 1 KiB: the text is scanned in 1 KiB chunks, and
    // a padding of 0 to 40 bytes moves every character across a chunk boundary somewhere.
    private static readonly GeoJsonReadOptions SmallBuffer = new() { MaxFeatureBytes = 1024 };

    private static string ManyFeatures(int padding, string text) => Collection([.. Enumerable.Range(0, 12).Select(i =>
        Feature($"\"t{i}\"", $$"""{"owner_id":"r","name":"{{(i == 0 ? new string('x', padding) : "")}}{{(i == 7 ? "§" : "")}}{{text}}"}"""))]);

    [Fact]
    public void Characters_across_a_chunk_boundary_are_read_exactly_and_bad_bytes_there_are_found()
    {
        const string Text = "😀é€ü東京😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀";
        var reader = new TerritoryGeoJsonReader(SmallBuffer);
        for (var padding = 0; padding <= 40; padding++)
        {
            var json = ManyFeatures(padding, Text);
            var valid = reader.ImportString(json.Replace("§", ""));
            Assert.True(valid.IsValid, valid.Validation.ToString());
            Assert.All(valid.Territories, t => Assert.EndsWith(Text, t.Name));
            Assert.True(valid.LargestBufferBytes <= 1024);

            var offset = Encoding.UTF8.GetBytes(json[..json.IndexOf('§')]).Length;
            var broken = reader.Import(new MemoryStream(WithBytes(json, [0xF0, 0x9F, 0x98])));
            AssertOneTextProblem(broken, 7, offset, "F0 9F 98");
        }
    }

    [Fact]
    public void A_string_with_a_lone_surrogate_is_a_problem_not_silently_U_FFFD()
    {
        var json = Collection(Ok, Feature("\"a\ud800\"", """{"owner_id":"r"}"""));

        var result = new TerritoryGeoJsonReader().ImportString(json);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ValidationProblemKind.MalformedJson, problem.Kind);
        Assert.Equal(1, problem.FeatureIndex);
        Assert.Contains("surrogate", problem.Detail);
        Assert.DoesNotContain(result.Territories, t => t.Id.Contains('\uFFFD'));
    }

    // As TerritoryMessages writes an upsert: the geometry text goes in raw, the rest as strings.
    private static byte[] AsUpsertWrites(string id, string geometry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "FeatureCollection");
            writer.WriteStartArray("features");
            writer.WriteStartObject();
            writer.WriteString("type", "Feature");
            writer.WriteString("id", id);
            writer.WritePropertyName("geometry");
            writer.WriteRawValue(geometry, skipInputValidation: true);
            writer.WriteStartObject("properties");
            writer.WriteString("owner_id", "r");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData("""{"type":"Polygon\ud800","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]],"note\udc00":1}""")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]],"id":"\ud800"}""")]
    public void Upsert_geometry_with_an_escaped_lone_surrogate_is_a_problem(string geometry)
    {
        var read = new TerritoryGeoJsonReader().Read(new MemoryStream(AsUpsertWrites("a", geometry)));

        var problem = Assert.Single(read.Problems);
        Assert.Equal(ValidationProblemKind.MalformedJson, problem.Kind);
        Assert.Equal(0, problem.FeatureIndex);
        Assert.Contains("surrogate", problem.Detail);
    }
}
