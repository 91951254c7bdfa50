using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GeoAssign.Index.Tests.GeoJson;

/// <summary>
/// A generated corpus of malformed GeoJSON: document <c>i</c> is a valid FeatureCollection made from
/// seed <see cref="Seed"/> + i, broken by one mutation that is sure to make it invalid (bad text,
/// comments, trailing commas, repeated members, wrong types, bad geometry, bad attributes, broken
/// structure, map-level mistakes). The same index always gives the same bytes.
/// </summary>
internal static class MalformedGeoJsonCorpus
{
    public const int Seed = 20_260_112;

    public const int Count = 432;

    private sealed class Feature
    {
        public string Type = "\"Feature\"";
        public string? Id;
        public string? Geometry;
        public Dictionary<string, string> Properties = [];
        public string? PropertiesText;
        public List<string> Extra = [];

        public string Render()
        {
            var members = new List<string> { $"\"type\":{Type}" };
            if (Id is not null)
            {
                members.Add($"\"id\":{Id}");
            }

            if (Geometry is not null)
            {
                members.Add($"\"geometry\":{Geometry}");
            }

            members.Add("\"properties\":" + (PropertiesText ?? "{" + string.Join(",", Properties.Select(p => $"{JsonSerializer.Serialize(p.Key)}:{p.Value}")) + "}"));
            members.AddRange(Extra);
            return "{" + string.Join(",", members) + "}";
        }
    }

    private sealed class Collection
    {
        public string Type = "\"FeatureCollection\"";
        public List<Feature> Features = [];
        public List<string> FeatureTexts = [];
        public List<string> Extra = [];
        public bool Foreign;

        public string Render()
        {
            var features = Features.Select(f => f.Render()).Concat(FeatureTexts);
            var members = new List<string> { $"\"type\":{Type}" };
            if (Foreign)
            {
                members.Add("\"name\":\"corpus \\u00e9\"");
            }

            members.Add("\"features\":[" + string.Join(",", features) + "]");
            members.AddRange(Extra);
            return "{" + string.Join(",", members) + "}";
        }
    }

    private static readonly string[] Names = ["North", "Zürich", "Ελλάδα", "東京", "Bretagne \\u00e9", "Emoji \\ud83d\\ude00 😀", "Line\\nbreak"];

    private static string Square(double x, double y, double size = 1) =>
        string.Create(CultureInfo.InvariantCulture, $"[[[{x},{y}],[{x + size},{y}],[{x + size},{y + size}],[{x},{y + size}],[{x},{y}]]]");

    /// <summary>A valid collection of 2 to 5 small territories.</summary>
    private static Collection Base(Random random)
    {
        var collection = new Collection { Foreign = random.Next(2) == 0 };
        var count = random.Next(2, 6);
        for (var i = 0; i < count; i++)
        {
            var feature = new Feature
            {
                Id = random.Next(4) == 0 ? (100 + i).ToString(CultureInfo.InvariantCulture) : $"\"T-{i}-{(random.Next(2) == 0 ? "é" : "x")}\"",
                Geometry = random.Next(3) == 0
                    ? $"{{\"type\":\"MultiPolygon\",\"coordinates\":[{Square(i * 3, 0)},{Square(i * 3, 2)}]}}"
                    : $"{{\"type\":\"Polygon\",\"coordinates\":{Square(i * 3, 0, 0.5 + random.Next(4) * 0.25)}}}",
            };
            feature.Properties["name"] = $"\"{Names[random.Next(Names.Length)]}\"";
            feature.Properties["owner_id"] = $"\"rep-{random.Next(100)}\"";
            if (random.Next(2) == 0)
            {
                feature.Properties["priority"] = random.Next(-5, 6).ToString(CultureInfo.InvariantCulture);
            }

            if (i > 0 && random.Next(3) == 0)
            {
                feature.Properties["parent_id"] = collection.Features[0].Id!.StartsWith('"') ? collection.Features[0].Id! : $"\"{collection.Features[0].Id}\"";
            }

            feature.Properties["quota"] = random.Next(3) switch { 0 => "12.5", 1 => "1.7976931348623157e308", _ => "12345678901234567890" };
            feature.Properties["tags"] = "[\"a\",\"é\",1,true,null]";
            feature.Properties["meta"] = "{\"since\":2019,\"active\":true,\"note\":null,\"emoji\":\"😀\",\"esc\":\"line\\nbreak \\u00e9 \\ud83d\\ude00\"}";
            collection.Features.Add(feature);
        }

        return collection;
    }

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    private static (JsonTokenType Type, int Start, int End)[] Tokens(byte[] json)
    {
        var tokens = new List<(JsonTokenType, int, int)>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            var start = (int)reader.TokenStartIndex;
            var end = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                ? start + reader.ValueSpan.Length + 2
                : start + reader.ValueSpan.Length;
            tokens.Add((reader.TokenType, start, end));
        }

        return [.. tokens];
    }

    private static byte[] Insert(byte[] json, int at, ReadOnlySpan<byte> bytes) => [.. json.AsSpan(0, at), .. bytes, .. json.AsSpan(at)];

    private static readonly byte[][] BadUtf8 =
        [[0xFF], [0xC3, 0x28], [0x80], [0xC0, 0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]];

    private static readonly Func<Random, Collection, byte[]>[] Mutations =
    [
        // Bytes that are not UTF-8 at the edge of a string (never inside an escape).
        (random, c) => InString(random, c, BadUtf8[random.Next(BadUtf8.Length)]),
        // An escape of half a surrogate pair.
        (random, c) => InString(random, c, Encoding.ASCII.GetBytes(Pick(random, @"\ud800", @"\uDFFF", @"\ud83d\u0041", @"\udbff"))),
        // A comment before any token.
        (random, c) => AtToken(random, c, _ => true, Encoding.ASCII.GetBytes(Pick(random, "/* c */", "// c\n"))),
        // A trailing comma.
        (random, c) => AtToken(random, c, t => t is JsonTokenType.EndObject or JsonTokenType.EndArray, ","u8.ToArray()),
        // A byte that is not UTF-8 between tokens.
        (random, c) => AtToken(random, c, _ => true, BadUtf8[random.Next(BadUtf8.Length)]),
        // One bracket or opening quote deleted.
        (random, c) =>
        {
            var json = Encoding.UTF8.GetBytes(c.Render());
            var candidates = Tokens(json).Where(t => t.Type is not (JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)).ToArray();
            var at = candidates[random.Next(candidates.Length)].Start;
            return [.. json.AsSpan(0, at), .. json.AsSpan(at + 1)];
        },
        // Cut short.
        (random, c) =>
        {
            var json = Encoding.UTF8.GetBytes(c.Render());
            return json[..random.Next(json.Length - 1)];
        },
        // A feature member given twice.
        (random, c) =>
        {
            Of(random, c).Extra.Add(Pick(random, "\"type\":\"Feature\"", "\"geometry\":null", "\"properties\":{}", "\"id\":\"dup\"", "\"geometry\":" + $"{{\"type\":\"Polygon\",\"coordinates\":{Square(90, 0)}}}"));
            return Render(c);
        },
        // A collection member given twice.
        (random, c) =>
        {
            c.Extra.Add(Pick(random, "\"features\":[]", "\"type\":\"FeatureCollection\""));
            return Render(c);
        },
        // A geometry member given twice, or a type that is not exactly a GeoJSON type.
        (random, c) =>
        {
            var feature = Of(random, c);
            feature.Geometry = random.Next(2) == 0
                ? "{" + Pick(random, "\"type\":\"Point\",", "\"coordinates\":[],", "\"type\":\"Polygon\",") + feature.Geometry![1..]
                : feature.Geometry!.Replace("Polygon\"", Pick(random, "Polygon \"", "Polygon\\t\"", "polygon\"", "POLYGON\"", "Polygon\\u0000\""));
            return Render(c);
        },
        // An attribute that could not come back as given.
        (random, c) =>
        {
            var depth = random.Next(33, 110);
            var (name, value) = random.Next(5) switch
            {
                0 => ("q", Pick(random, "1e400", "-1e999", "[1,2e308]", "{\"x\":-1E+309}")),
                1 => ("", "1"),
                2 => ("deep", new string('[', depth) + new string(']', depth)),
                3 => ("deep", string.Concat(Enumerable.Repeat("{\"k\":", Math.Min(depth, 60))) + "0" + new string('}', Math.Min(depth, 60))),
                _ => ("tags", "{\"x\":1,\"y\":{\"z\":1,\"z\":2}}"),
            };
            Of(random, c).Properties[name] = value;
            return Render(c);
        },
        // A literal JSON cannot have.
        (random, c) =>
        {
            var feature = Of(random, c);
            if (random.Next(2) == 0)
            {
                feature.Properties["q"] = Pick(random, "NaN", "Infinity", "-Infinity", "undefined", "'single'", "0x10", "01", "+1", ".5", "1.");
            }
            else
            {
                feature.Geometry = feature.Geometry!.Replace("[0,", Pick(random, "[NaN,", "[Infinity,", "[-Infinity,", "[0x0,", "[.0,")).Replace(",0]", Pick(random, ",NaN]", ",0.]", ",-]"));
            }

            return Render(c);
        },
        // A reserved property of the wrong type, or properties that are not an object.
        (random, c) =>
        {
            var feature = Of(random, c);
            switch (random.Next(8))
            {
                case 0: feature.Properties["priority"] = Pick(random, "\"high\"", "1.5", "99999999999", "[]", "true"); break;
                case 1: feature.Properties["owner_id"] = Pick(random, "17", "[\"r\"]", "{}", "false"); break;
                case 2: feature.Properties["name"] = Pick(random, "1", "[]", "{}"); break;
                case 3: feature.Properties["layer"] = Pick(random, "true", "2", "[]"); break;
                case 4: feature.Properties["parent_id"] = Pick(random, "{}", "1.5", "[]", "true"); break;
                case 5: feature.PropertiesText = Pick(random, "[1]", "\"x\"", "3", "true"); break;
                case 6: feature.Id = Pick(random, "1.5", "[]", "{}", "true", "1e3"); break;
                default: feature.Type = Pick(random, "\"Feature \"", "\"feature\"", "\"Point\"", "null", "1"); break;
            }

            return Render(c);
        },
        // Something a territory needs is missing or empty.
        (random, c) =>
        {
            var feature = Of(random, c);
            switch (random.Next(6))
            {
                case 0: feature.Properties.Remove("owner_id"); break;
                case 1: feature.Id = null; break;
                case 2: feature.Id = "\"\""; break;
                case 3: feature.Geometry = Pick(random, "null", "{}", "[]", "\"Polygon\"", "1"); break;
                case 4: feature.Geometry = null; break;
                default: feature.Properties["owner_id"] = "\"\""; break;
            }

            return Render(c);
        },
        // A geometry that is not a territory's.
        (random, c) =>
        {
            Of(random, c).Geometry = Pick(random,
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[200,0],[1,1],[0,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0,100],[1,1],[0,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[179,0],[-179,0],[-179,1],[179,1],[179,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"1\",0],[1,1],[0,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1],[1,1],[0,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1e400],[1,1],[0,0]]]}",
                "{\"type\":\"Polygon\",\"coordinates\":\"x\"}",
                "{\"type\":\"Polygon\"}",
                "{\"type\":\"Point\",\"coordinates\":[1,2]}",
                "{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}",
                "{\"type\":\"GeometryCollection\",\"geometries\":[]}",
                "{\"type\":\"Hexagon\",\"coordinates\":[]}",
                "{\"type\":7,\"coordinates\":[]}",
                "{\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}");
            return Render(c);
        },
        // A mistake across the map: a repeated id, an unknown parent, a cycle.
        (random, c) =>
        {
            var (a, b) = (c.Features[0], c.Features[1]);
            switch (random.Next(3))
            {
                case 0: b.Id = a.Id; break;
                case 1: b.Properties["parent_id"] = "\"nobody\""; break;
                default:
                    a.Properties["parent_id"] = b.Id!.StartsWith('"') ? b.Id : $"\"{b.Id}\"";
                    b.Properties["parent_id"] = a.Id!.StartsWith('"') ? a.Id : $"\"{a.Id}\"";
                    break;
            }

            return Render(c);
        },
        // The collection itself is wrong.
        (random, c) =>
        {
            switch (random.Next(9))
            {
                case 0: return Encoding.UTF8.GetBytes("[" + c.Render() + "]");
                case 1: c.Type = Pick(random, "\"FeatureCollectio\"", "\"Feature\"", "\"featurecollection\"", "null", "1"); break;
                case 2: return Encoding.UTF8.GetBytes(c.Render().Replace("\"features\":[", "\"feature\":["));
                case 3: return Encoding.UTF8.GetBytes(c.Render().Replace("\"type\":\"FeatureCollection\",", ""));
                case 4: return Encoding.UTF8.GetBytes(c.Render() + Pick(random, " {}", "x", ",", "]", "\"\""));
                case 5: return Encoding.UTF8.GetBytes(Pick(random, "", " \n\t", "null", "\"FeatureCollection\"", "{}", "{\"type\":\"FeatureCollection\",\"features\":{}}"));
                case 6: c.FeatureTexts.Add(Pick(random, "1", "\"feature\"", "null", "[]", "true")); break;
                case 7: c.Features.Insert(random.Next(c.Features.Count), new Feature { Type = "\"Feature\"", Id = "\"lost\"" }); break;
                default: return Encoding.UTF8.GetBytes(c.Render().Replace("\"features\":[", "\"features\":[{},"));
            }

            return Render(c);
        },
    ];

    private static Feature Of(Random random, Collection c) => c.Features[random.Next(c.Features.Count)];

    private static byte[] Render(Collection c) => Encoding.UTF8.GetBytes(c.Render());

    private static byte[] InString(Random random, Collection c, byte[] bad)
    {
        var json = Render(c);
        var strings = Tokens(json).Where(t => t.Type is JsonTokenType.String or JsonTokenType.PropertyName).ToArray();
        var (_, start, end) = strings[random.Next(strings.Length)];
        return Insert(json, random.Next(2) == 0 ? start + 1 : end - 1, bad);
    }

    private static byte[] AtToken(Random random, Collection c, Func<JsonTokenType, bool> where, byte[] bytes)
    {
        var json = Render(c);
        var tokens = Tokens(json).Where(t => where(t.Type)).ToArray();
        return Insert(json, tokens[random.Next(tokens.Length)].Start, bytes);
    }

    /// <summary>The valid document that corpus document <paramref name="index"/> breaks.</summary>
    public static byte[] Valid(int index) => Render(Base(new Random(Seed + index)));

    /// <summary>Corpus document <paramref name="index"/>, and the number of the mutation that broke it.</summary>
    public static (int Mutation, byte[] Json) Document(int index)
    {
        var random = new Random(Seed + index);
        var collection = Base(random);
        var mutation = index % Mutations.Length;
        return (mutation, Mutations[mutation](random, collection));
    }

    public static int MutationCount => Mutations.Length;
}
