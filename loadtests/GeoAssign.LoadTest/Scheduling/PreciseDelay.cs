// Sleeping until a timestamp with better than the 1 ms resolution of Thread.Sleep.
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GeoAssign.LoadTest.Scheduling;

/// <summary>
/// Blocks the calling (dedicated) thread until a <see cref="Stopwatch"/> timestamp. On Linux it
/// sleeps with <c>nanosleep</c>, which wakes within about 50–100 µs (the kernel's timer slack)
/// instead of Thread.Sleep's whole milliseconds, and burns no CPU; the open-loop dispatcher's own
/// lateness is measured and reported anyway (dispatch lag). Elsewhere it falls back to
/// Thread.Sleep for long waits and yielding for short ones.
/// </summary>
internal static partial class PreciseDelay
{
    private static readonly bool UseNanosleep = OperatingSystem.IsLinux();

    /// <summary>Returns at or soon after <paramref name="timestamp"/>.</summary>
    public static void Until(long timestamp)
    {
        while (true)
        {
            var remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            var nanoseconds = (long)(remaining * (1e9 / Stopwatch.Frequency));
            if (UseNanosleep)
            {
                var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
                _ = NativeMethods.nanosleep(ref request, IntPtr.Zero);
            }
            else if (nanoseconds > 2_000_000)
            {
                Thread.Sleep(TimeSpan.FromTicks(nanoseconds / 100 - TimeSpan.TicksPerMillisecond));
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", SetLastError = true)]
        [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int nanosleep(ref TimeSpec request, IntPtr remaining);
    }
}
