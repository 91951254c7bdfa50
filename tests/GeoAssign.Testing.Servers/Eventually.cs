// The one way a test waits for something: poll a condition until it holds or a deadline passes.
using System.Diagnostics;
using Xunit.Sdk;

namespace GeoAssign.Testing.Servers;

/// <summary>
/// Waits on a condition instead of sleeping a fixed time: evaluates it, and while it does not hold
/// waits <see cref="PollInterval"/> (or the interval given) and evaluates it again, until
/// <c>timeout</c> has passed; then fails the test naming what it waited for and how long it waited.
/// An exception from the condition ends the wait at once (catch inside the condition what is expected
/// while waiting). Stateless and thread-safe.
/// </summary>
public static class Eventually
{
    /// <summary>How long to wait between two evaluations unless told otherwise: short, so a wait ends soon after its condition holds.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Waits until <paramref name="condition"/> holds; fails after <paramref name="timeout"/> with <paramref name="what"/>.</summary>
    /// <param name="condition">What must become true.</param>
    /// <param name="timeout">How long it may take.</param>
    /// <param name="what">The condition in words, for the failure ("40 appends are acknowledged").</param>
    /// <param name="pollInterval">The wait between evaluations (default <see cref="PollInterval"/>): longer when evaluating costs the system under test.</param>
    /// <exception cref="XunitException">The condition did not hold in time.</exception>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? pollInterval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, () => what, pollInterval);

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds; fails after <paramref name="timeout"/> with <paramref name="what"/>.</summary>
    /// <exception cref="XunitException">The condition did not hold in time.</exception>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? pollInterval = null) =>
        UntilAsync(condition, timeout, () => what, pollInterval);

    /// <summary>Waits until <paramref name="condition"/> holds; on failure <paramref name="what"/> describes the state at that moment.</summary>
    /// <exception cref="XunitException">The condition did not hold in time.</exception>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what, TimeSpan? pollInterval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, pollInterval);

    /// <summary>Waits until the asynchronous <paramref name="condition"/> holds; on failure <paramref name="what"/> describes the state at that moment.</summary>
    /// <exception cref="XunitException">The condition did not hold in time.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(what);
        var started = Stopwatch.GetTimestamp();
        while (!await condition().ConfigureAwait(false))
        {
            var waited = Stopwatch.GetElapsedTime(started);
            if (waited > timeout)
            {
                throw new XunitException($"Timed out after {waited.TotalSeconds:0.0} s (the limit: {timeout.TotalSeconds:0.###} s) waiting until {what()}.");
            }

            // The poll interval: the only pause of a wait, and no assertion depends on its length.
            await Task.Delay(pollInterval ?? PollInterval).ConfigureAwait(false);
        }
    }
}
