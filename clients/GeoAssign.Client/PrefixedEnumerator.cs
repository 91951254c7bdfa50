// Lets a streaming call yield the items it looked ahead at before the rest of their source.
namespace GeoAssign.Client;

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
