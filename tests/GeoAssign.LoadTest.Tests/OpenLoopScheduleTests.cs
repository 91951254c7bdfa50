// The open loop's intended send times: fixed rate from a fixed start, whatever happens to the calls.
using GeoAssign.LoadTest.Scheduling;

namespace GeoAssign.LoadTest.Tests;

public sealed class OpenLoopScheduleTests
{
    [Fact]
    public void Requests_are_due_at_start_plus_index_over_rate()
    {
        // 1,000 ticks a second, 4 requests a second: one every 250 ticks.
        var schedule = new OpenLoopSchedule(startTimestamp: 10_000, requestsPerSecond: 4, frequency: 1_000);

        Assert.Equal(10_000, schedule.IntendedTimestamp(0));
        Assert.Equal(10_250, schedule.IntendedTimestamp(1));
        Assert.Equal(12_500, schedule.IntendedTimestamp(10));
    }

    [Theory]
    [InlineData(9_999, 0)]
    [InlineData(10_000, 1)]
    [InlineData(10_249, 1)]
    [InlineData(10_250, 2)]
    [InlineData(12_499, 10)]
    [InlineData(12_500, 11)]
    public void Due_count_counts_requests_whose_time_has_come(long now, long expected)
    {
        var schedule = new OpenLoopSchedule(10_000, 4, 1_000);

        Assert.Equal(expected, schedule.DueCount(now));
    }

    [Fact]
    public void A_run_of_one_second_at_a_rate_holds_that_many_requests_even_with_awkward_rates()
    {
        foreach (var rate in new[] { 1.0, 3.0, 7.0, 1_000.0, 33_333.0, 49_999.5 })
        {
            var schedule = new OpenLoopSchedule(0, rate, 1_000_000_000);
            Assert.Equal((long)Math.Ceiling(rate), schedule.CountBefore(1_000_000_000));
            // Every request counted is due before the end, and the next one is not.
            var count = schedule.CountBefore(1_000_000_000);
            Assert.True(schedule.IntendedTimestamp(count - 1) < 1_000_000_000);
            Assert.True(schedule.IntendedTimestamp(count) >= 1_000_000_000);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_rate_that_is_not_positive_and_finite_is_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, rate, 1_000));
}
