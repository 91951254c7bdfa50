using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Validation;
using Xunit;

namespace GeoAssign.Index.Tests.GeoJson;

// Every document of the malformed corpus is reported, never thrown, and reads the same whole, in
// 1 KiB chunks, and asynchronously.
public sealed class MalformedGeoJsonCorpusTests
{
    public static TheoryData<int> Documents => [.. Enumerable.Range(0, MalformedGeoJsonCorpus.Count)];

    // A 1 KiB limit a feature makes the read buffer 1 KiB: documents are scanned in many chunks.
    private static readonly TerritoryGeoJsonReader Chunked = new(new GeoJsonReadOptions { MaxFeatureBytes = 1024 });

    [Fact]
    public void The_corpus_breaks_valid_documents_with_every_mutation()
    {
        Assert.True(MalformedGeoJsonCorpus.Count >= 300);
        Assert.Equal(MalformedGeoJsonCorpus.MutationCount, Enumerable.Range(0, MalformedGeoJsonCorpus.Count).Select(i => MalformedGeoJsonCorpus.Document(i).Mutation).Distinct().Count());
        for (var i = 0; i < MalformedGeoJsonCorpus.Count; i++)
        {
            var valid = new TerritoryGeoJsonReader().Import(new MemoryStream(MalformedGeoJsonCorpus.Valid(i)));
            Assert.True(valid.IsValid, $"document {i} before its mutation: {valid.Validation}");
            Assert.NotEqual(MalformedGeoJsonCorpus.Valid(i), MalformedGeoJsonCorpus.Document(i).Json);
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task A_malformed_document_is_reported_as_problems_without_an_exception(int index)
    {
        var (mutation, json) = MalformedGeoJsonCorpus.Document(index);
        var reader = new TerritoryGeoJsonReader();

        var whole = reader.Import(new MemoryStream(json));
        var chunked = Chunked.Import(new MemoryStream(json));
        var trickled = await reader.ImportAsync(new TrickleStream(json, 1 + index % 7));
        var read = reader.Read(new MemoryStream(json));
        var merged = read.ProblemsWithTerritoryChecks(new TerritoryValidator());

        var text = System.Text.Encoding.UTF8.GetString(json);
        Assert.False(whole.IsValid, $"mutation {mutation} left document {index} valid: {text}");
        Assert.NotEmpty(whole.Problems);
        Assert.All(whole.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Detail)));
        Assert.Equal(whole.Problems.Select(p => p.Message), trickled.Problems.Select(p => p.Message));
        Assert.False(chunked.IsValid);
        if (!chunked.Problems.Any(p => p.Kind == ValidationProblemKind.FeatureTooLarge))
        {
            // Unless one value is larger than the small limit, chunks change nothing.
            Assert.Equal(whole.Problems.Select(p => p.Message), chunked.Problems.Select(p => p.Message));
        }

        // A read that failed stays failed with its territories' own problems added (mistakes across the
        // map, e.g. a repeated id, are a validation's, not a read's).
        Assert.True(read.IsValid || !merged.IsValid);
    }
}
