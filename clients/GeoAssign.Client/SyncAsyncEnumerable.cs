// Lets the streaming calls read a synchronous sequence as an asynchronous one.
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
