// Stores and temporary data folders for the store tests (territories and histories: GeoAssign.Testing.ChangeHistories).
using GeoAssign.Index.Model;
using GeoAssign.Replication.Embedded;
using GeoAssign.Testing;

namespace GeoAssign.Replication.Tests;

internal static class StoreFixtures
{
    // Keeping no extra history by default: the log then holds just what the snapshots need, as the
    // snapshot tests expect; history tests ask for more.
    public static EmbeddedMapStore Open(string directory, int snapshotEvery = 1_000, int keepChanges = 0) =>
        EmbeddedMapStore.Open(new EmbeddedMapStoreOptions { DataDirectory = directory, SnapshotEveryChanges = snapshotEvery, KeepChanges = keepChanges });
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "geoassign-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind harms nothing.
        }
    }
}
