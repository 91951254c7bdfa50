// MapState's history searches (as-of instant, version kept) against a plain scan of the history.
using System.Collections.Immutable;
using GeoAssign.Index.Model;
using GeoAssign.Index.Plans;
using Xunit;

namespace GeoAssign.Index.Tests.Plans;

public sealed class MapStateHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // The definition: the last version in version order whose time is at or before the instant.
    private static long? Scan(IReadOnlyList<LiveVersionInfo> history, DateTimeOffset instant, long fallback)
    {
        long? found = null;
        foreach (var entry in history)
        {
            if (entry.Info.Time <= instant)
            {
                found = entry.Version;
            }
        }

        return found ?? (history.Count == 0 || history[0].Version == 1 ? fallback : null);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void As_of_and_version_searches_agree_with_a_scan_of_the_history(int seed, bool clockStepsBack)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var count = random.Next(0, 60);
            var version = (long)random.Next(1, 3);
            var time = Start;
            var history = ImmutableList.CreateBuilder<LiveVersionInfo>();
            for (var i = 0; i < count; i++)
            {
                // Equal times happen (one clock tick); a replica's clock may step back a little.
                time = time.AddMilliseconds(random.Next(0, 4) == 0 ? 0 : random.Next(1, 1000) - (clockStepsBack && random.Next(8) == 0 ? 1500 : 0));
                history.Add(new LiveVersionInfo(version, new ChangeInfo(time), 1, 0, null));
                version += random.Next(1, 4);
            }

            var live = history.Count == 0 ? 0 : history[^1].Version;
            var state = new MapState(live, TerritoryMap.Empty, ImmutableSortedDictionary.Create<string, PlanBranch>(StringComparer.Ordinal), history.ToImmutable());
            for (var probe = 0; probe < 50; probe++)
            {
                var instant = Start.AddMilliseconds(random.Next(-500, count * 1000 + 500));
                Assert.Equal(Scan(history, instant, 0), state.LiveVersionAt(instant));
                if (history.Count > 0)
                {
                    // Exactly at a version's time, and a tick before it.
                    var at = history[random.Next(history.Count)].Info.Time;
                    Assert.Equal(Scan(history, at, 0), state.LiveVersionAt(at));
                    Assert.Equal(Scan(history, at.AddTicks(-1), 0), state.LiveVersionAt(at.AddTicks(-1)));
                }

                var asked = (long)random.Next(0, (int)version + 2);
                Assert.Equal(history.Any(h => h.Version == asked), state.HistoryContains(asked));
            }
        }
    }
}
