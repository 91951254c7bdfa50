// Where the test datasets are and how to load them.
using System.Diagnostics;
using GeoAssign.Index.GeoJson;
using GeoAssign.Index.Model;
using GeoAssign.Index.Validation;

namespace GeoAssign.Testing;

/// <summary>
/// The datasets of tests and benchmarks: the committed us-atlas extracts in <c>tests/data</c>, the
/// full us-atlas sets (generated on demand by <c>tests/oracle/datasets/us-atlas.mjs</c> into
/// <c>data/us-atlas</c>, which git ignores), the Natural Earth countries of world-atlas (generated the
/// same way by <c>tests/oracle/datasets/world-atlas.mjs</c> into <c>data/world-atlas</c>), and the
/// synthetic maps. A generated set is regenerated when its script or <c>common.mjs</c>, which both
/// scripts import, has changed since.
/// </summary>
/// <remarks>Thread-safe: loads are cached per file and per process.</remarks>
public static class TestDatasets
{
    private static readonly Lock GenerateLock = new();
    private static readonly Dictionary<string, Lazy<IReadOnlyList<Territory>>> Cache = new(StringComparer.Ordinal);

    /// <summary>How long the dataset script may run.</summary>
    private static readonly TimeSpan GeneratorTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The modules of <c>tests/oracle/datasets</c> that the dataset scripts import. A generated set
    /// depends on them as much as on its own script, so the staleness fingerprint covers them too; the
    /// list and its order must match <c>SHARED_MODULES</c> in <c>common.mjs</c>, which computes the
    /// same fingerprint for the manifest.
    /// </summary>
    private static readonly string[] SharedModules = ["common.mjs"];

    /// <summary>The repository root: the nearest folder above the running assembly with GeoAssign.sln.</summary>
    public static string RepositoryRoot => LazyRepositoryRoot.Value;

    private static readonly Lazy<string> LazyRepositoryRoot = new(FindRepositoryRoot);

    /// <summary>The committed extracts: <c>tests/data</c>.</summary>
    public static string DataDirectory => Path.Combine(RepositoryRoot, "tests", "data");

    /// <summary>Where the full us-atlas sets are generated: <c>$GEOASSIGN_DATASETS</c> or <c>data/us-atlas</c>.</summary>
    public static string FullUsAtlasDirectory =>
        Environment.GetEnvironmentVariable("GEOASSIGN_DATASETS") is { Length: > 0 } custom
            ? custom
            : Path.Combine(RepositoryRoot, "data", "us-atlas");

    /// <summary>
    /// Where the world-atlas countries are generated: <c>world-atlas</c> beside
    /// <see cref="FullUsAtlasDirectory"/>, so <c>data/world-atlas</c> by default. Not inside it: a
    /// regeneration of the us-atlas sets replaces that whole folder.
    /// </summary>
    public static string WorldAtlasDirectory =>
        Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(FullUsAtlasDirectory)))!, "world-atlas");

    /// <summary>
    /// Counties of Alaska, Colorado, Hawaii and Virginia (231 features), layer <c>geo</c>, no parents,
    /// with the 15 geometries NTS finds invalid repaired by <c>GeometryFixer</c> and the one that has
    /// no area at 1:10m (51610, Falls Church city) left out: 230 valid territories.
    /// </summary>
    public static IReadOnlyList<Territory> UsCountiesExtract() => LoadRepaired(Path.Combine(DataDirectory, "us-counties-extract.geojson"));

    /// <summary>Alaska, Colorado, Hawaii and Virginia, layer <c>geo</c> (all valid as they are).</summary>
    public static IReadOnlyList<Territory> UsStatesExtract() => LoadValid(Path.Combine(DataDirectory, "us-states-extract.geojson"));

    /// <summary>The counties extract exactly as the file has it, invalid geometries included (not validated).</summary>
    public static IReadOnlyList<Territory> UsCountiesExtractAsIs() => ReadAsIs(Path.Combine(DataDirectory, "us-counties-extract.geojson"));

    /// <summary>
    /// One map with a hierarchy across layers, from the two extracts: the states in layer
    /// <c>state</c>, the counties in layer <c>geo</c> with their state as parent (as the full
    /// <c>us-states-counties.geojson</c> has it).
    /// </summary>
    public static IReadOnlyList<Territory> UsStatesAndCountiesExtract()
    {
        var result = new List<Territory>();
        foreach (var state in UsStatesExtract())
        {
            result.Add(state with { Layer = "state" });
        }

        foreach (var county in UsCountiesExtract())
        {
            result.Add(county with { ParentId = county.Id[..2] });
        }

        return result;
    }

    /// <summary>
    /// All 3,231 us-atlas counties (generating the full sets first if needed), repaired and without
    /// those that have no area (as <see cref="UsCountiesExtract"/>).
    /// </summary>
    public static IReadOnlyList<Territory> UsCountiesFull() => LoadRepaired(FullUsAtlasFile("us-counties.geojson"));

    /// <summary>All 56 us-atlas states and territories (generating the full sets first if needed), repaired.</summary>
    public static IReadOnlyList<Territory> UsStatesFull() => LoadRepaired(FullUsAtlasFile("us-states.geojson"));

    /// <summary>
    /// The 255 Natural Earth countries and other units of world-atlas 2.0.2 at 1:10m (generating them
    /// first if needed), layer <c>geo</c>, repaired by <c>GeometryFixer</c>, without those that have
    /// no area once repaired. <c>WorldAtlasDatasetTests</c> pins which are invalid and which are left out.
    /// </summary>
    public static IReadOnlyList<Territory> WorldCountries() => LoadRepaired(WorldAtlasFile("countries-10m.geojson"));

    /// <summary>The path of a full us-atlas file, generating the full sets with Node.js if they are missing.</summary>
    public static string FullUsAtlasFile(string name) => Generated(FullUsAtlasDirectory, "us-atlas.mjs", name);

    /// <summary>The path of a world-atlas file, generating it with Node.js if it is missing or stale.</summary>
    public static string WorldAtlasFile(string name) => Generated(WorldAtlasDirectory, "world-atlas.mjs", name);

    private static string Generated(string directory, string script, string name)
    {
        lock (GenerateLock)
        {
            if (!IsCurrent(directory, script))
            {
                Generate(directory, script);
            }
        }

        return Path.Combine(directory, name);
    }

    /// <summary>Reads a territory GeoJSON file that must be valid as it is; throws with every problem otherwise.</summary>
    public static IReadOnlyList<Territory> LoadValid(string path) => Cached(path, "valid", () =>
    {
        var result = Import(path, repairInvalidGeometry: false);
        return result.IsValid ? result.Territories : throw new InvalidDataException($"{path} is not a valid territory map: {result.Validation}");
    });

    /// <summary>
    /// Reads a territory GeoJSON file with <c>GeometryFixer</c> repair, leaving out the features that
    /// have no area once repaired (<see cref="ValidationProblemKind.NoAreaAfterRepair"/>); throws on
    /// any other problem.
    /// </summary>
    public static IReadOnlyList<Territory> LoadRepaired(string path) => Cached(path, "repaired", () =>
    {
        var result = Import(path, repairInvalidGeometry: true);
        var collapsed = new HashSet<int>();
        foreach (var problem in result.Problems)
        {
            if (problem.Kind != ValidationProblemKind.NoAreaAfterRepair || problem.FeatureIndex is not { } index)
            {
                throw new InvalidDataException($"{path} is not a valid territory map even after repair: {result.Validation}");
            }

            collapsed.Add(index);
        }

        if (result.Validation.TotalProblemCount != result.Problems.Count)
        {
            throw new InvalidDataException($"{path} has too many problems: {result.Validation}");
        }

        var territories = new List<Territory>(result.Territories.Count);
        for (var i = 0; i < result.Territories.Count; i++)
        {
            if (!collapsed.Contains(result.FeatureIndexes[i]))
            {
                territories.Add(result.Territories[i]);
            }
        }

        return territories;
    });

    /// <summary>Reads a territory GeoJSON file without validating it; throws only when a feature cannot be read at all.</summary>
    public static IReadOnlyList<Territory> ReadAsIs(string path) => Cached(path, "as-is", () =>
    {
        using var stream = File.OpenRead(path);
        var result = new TerritoryGeoJsonReader().Read(stream);
        return result.IsValid ? result.Territories : throw new InvalidDataException($"{path} cannot be read: {result.Validation}");
    });

    /// <summary>Reads and validates a GeoJSON file, returning the whole import result (problems included).</summary>
    public static GeoJsonImportResult Import(string path, bool repairInvalidGeometry = false)
    {
        var reader = new TerritoryGeoJsonReader(new GeoJsonReadOptions { RepairInvalidGeometry = repairInvalidGeometry });
        using var stream = File.OpenRead(path);
        return reader.Import(stream);
    }

    private static IReadOnlyList<Territory> Cached(string path, string how, Func<IReadOnlyList<Territory>> load)
    {
        Lazy<IReadOnlyList<Territory>> lazy;
        lock (Cache)
        {
            var key = $"{path}|{how}";
            if (!Cache.TryGetValue(key, out lazy!))
            {
                Cache[key] = lazy = new Lazy<IReadOnlyList<Territory>>(load);
            }
        }

        return lazy.Value;
    }

    // A generated set is current when its manifest names the generator (the script and the modules
    // it shares) as it is now.
    private static bool IsCurrent(string directory, string scriptName)
    {
        var manifest = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifest))
        {
            return false;
        }

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(manifest));
        var hash = GeneratorSha256(scriptName);
        return document.RootElement.TryGetProperty("generatorSha256", out var recorded) && recorded.GetString() == hash;
    }

    /// <summary>
    /// The fingerprint that the scripts write as <c>generatorSha256</c> (see <c>generatorSha256</c> in
    /// <c>common.mjs</c>): the SHA-256 of the lines <c>"&lt;SHA-256 of the file&gt;  &lt;file name&gt;\n"</c>
    /// for the script and then each of <see cref="SharedModules"/>, as <c>sha256sum</c> prints them.
    /// A hash of the script alone would miss a change to a shared module, which changes the output
    /// just the same.
    /// </summary>
    private static string GeneratorSha256(string scriptName)
    {
        var folder = Path.Combine(RepositoryRoot, "tests", "oracle", "datasets");
        var lines = new System.Text.StringBuilder();
        foreach (var name in SharedModules.Prepend(scriptName))
        {
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, name))));
            lines.Append(hash).Append("  ").Append(name).Append('\n');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(lines.ToString())));
    }

    private static void Generate(string directory, string scriptName)
    {
        var script = Path.Combine(RepositoryRoot, "tests", "oracle", "datasets", scriptName);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Generated aside and moved into place, so that a concurrent test process never reads half a set.
        var staging = $"{directory}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(staging);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(GeneratorTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} did not finish within {GeneratorTimeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} failed (exit code {process.ExitCode}); run `npm ci` in tests/oracle first.\n{errors.Result}{output.Result}");
        }

        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
            Directory.Move(staging, directory);
        }
        catch (IOException) when (IsCurrent(directory, scriptName))
        {
            // Another process put a current set in place first.
            Directory.Delete(staging, recursive: true);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GeoAssign.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no GeoAssign.sln above {AppContext.BaseDirectory}");
    }
}
