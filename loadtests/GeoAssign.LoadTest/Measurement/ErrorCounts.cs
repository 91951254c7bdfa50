// Failed calls counted by gRPC status code.
using Grpc.Core;

namespace GeoAssign.LoadTest.Measurement;

/// <summary>Counts failed calls by <see cref="StatusCode"/>; thread-safe and allocation-free when counting.</summary>
internal sealed class ErrorCounts
{
    // StatusCode runs 0 (OK) to 16 (UNAUTHENTICATED).
    private readonly long[] _counts = new long[17];

    /// <summary>Counts one failure with <paramref name="code"/>.</summary>
    public void Add(StatusCode code)
    {
        var index = (int)code;
        Interlocked.Increment(ref _counts[(uint)index < (uint)_counts.Length ? index : (int)StatusCode.Unknown]);
    }

    /// <summary>Total failures.</summary>
    public long Total
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                sum += Interlocked.Read(ref _counts[i]);
            }

            return sum;
        }
    }

    /// <summary>Failures by status name (e.g. "Unavailable"), only codes that occurred.</summary>
    public SortedDictionary<string, long> ByStatus()
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = Interlocked.Read(ref _counts[i]);
            if (count > 0)
            {
                result[((StatusCode)i).ToString()] = count;
            }
        }

        return result;
    }

    /// <summary>Forgets every count (the end of the warm-up).</summary>
    public void Reset()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }
    }

    /// <summary>The status code an exception from a call stands for.</summary>
    public static StatusCode CodeOf(Exception error) => error switch
    {
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException => StatusCode.Cancelled,
        TimeoutException => StatusCode.DeadlineExceeded,
        _ => StatusCode.Unknown,
    };
}
