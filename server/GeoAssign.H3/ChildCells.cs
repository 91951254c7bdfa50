// Enumerating a cell's descendants at a finer resolution without building a list.
namespace GeoAssign.H3;

/// <summary>
/// The children of a cell at a finer resolution, enumerated in index order without allocating
/// (use with <c>foreach</c>). For a pentagon, the deleted K sub-sequence is skipped. Immutable.
/// </summary>
public readonly struct ChildCells
{
    private readonly ulong _first;
    private readonly int _parentRes;
    private readonly int _childRes;
    private readonly bool _pentagon;

    internal ChildCells(ulong parent, int parentRes, int childRes, bool pentagon)
    {
        // The first child: every new digit 0.
        ulong first = H3Index.WithResolution(parent, childRes);
        for (int r = parentRes + 1; r <= childRes; r++) first = H3Index.WithDigit(first, r, 0);
        _first = first;
        _parentRes = parentRes;
        _childRes = childRes;
        _pentagon = pentagon;
    }

    /// <summary>The number of children.</summary>
    public long Count => H3.ChildCountUnchecked(_childRes - _parentRes, _pentagon);

    /// <summary>Returns the enumerator.</summary>
    public Enumerator GetEnumerator() => new(_first, _parentRes, _childRes, _pentagon);

    /// <summary>The children as a new array.</summary>
    public H3Index[] ToArray()
    {
        var result = new H3Index[Count];
        int i = 0;
        foreach (var child in this) result[i++] = child;
        return result;
    }

    /// <summary>Walks the children like an odometer over the new digits.</summary>
    public struct Enumerator
    {
        private readonly int _parentRes;
        private readonly int _childRes;
        private readonly bool _pentagon;
        private ulong _current;
        private bool _started;
        private bool _done;

        internal Enumerator(ulong first, int parentRes, int childRes, bool pentagon)
        {
            _current = first;
            _parentRes = parentRes;
            _childRes = childRes;
            _pentagon = pentagon;
            _started = false;
            _done = false;
        }

        /// <summary>The current child.</summary>
        public readonly H3Index Current => new(_current);

        /// <summary>Advances to the next child.</summary>
        public bool MoveNext()
        {
            if (_done) return false;
            if (!_started)
            {
                _started = true;
                return true;
            }
            while (true)
            {
                // Increment the finest digit, carrying into coarser ones.
                int r = _childRes;
                while (r > _parentRes)
                {
                    int digit = H3Index.Digit(_current, r);
                    if (digit < 6)
                    {
                        _current = H3Index.WithDigit(_current, r, digit + 1);
                        break;
                    }
                    _current = H3Index.WithDigit(_current, r, 0);
                    r--;
                }
                if (r == _parentRes)
                {
                    _done = true;
                    return false;
                }
                if (!_pentagon || FirstNewNonZeroDigit() != 1) return true;
            }
        }

        private readonly int FirstNewNonZeroDigit()
        {
            for (int r = _parentRes + 1; r <= _childRes; r++)
            {
                int digit = H3Index.Digit(_current, r);
                if (digit != 0) return digit;
            }
            return 0;
        }
    }
}
