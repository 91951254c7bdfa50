// Adapters that let the streaming calls read synchronous sequences and looked-ahead items.
namespace GeoAssign.Client;

/// <summary>An <see cref="IEnumerable{T}"/> as an <see cref="IAsyncEnumerable{T}"/> whose steps complete synchronously.</summary>
internal sealed class SyncAsyncEnumerable<T>(IEnumerable<T> items) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(items.GetEnumerator());

    private sealed class Enumerator(IEnumerator<T> inner) : IAsyncEnumerator<T>
    {
        public T Current => inner.Current;

        public ValueTask<bool> MoveNextAsync() => ValueTask.FromResult(inner.MoveNext());

        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Yields items already read ahead, then the rest of the enumerator they came from.</summary>
internal sealed class PrefixedEnumerator<T>(List<T> head, IAsyncEnumerator<T> rest) : IAsyncEnumerator<T>
{
    private int _index = -1;

    public T Current => _index < head.Count ? head[_index] : rest.Current;

    public ValueTask<bool> MoveNextAsync()
    {
        if (_index < head.Count)
        {
            _index++;
            if (_index < head.Count)
            {
                return ValueTask.FromResult(true);
            }
        }

        return rest.MoveNextAsync();
    }

    public ValueTask DisposeAsync() => rest.DisposeAsync();
}
