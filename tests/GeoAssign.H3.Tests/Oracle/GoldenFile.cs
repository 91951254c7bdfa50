// Reader for the column files that tests/oracle/h3/golden.mjs writes (format described there).
using System.Runtime.InteropServices;
using System.Text;

namespace GeoAssign.H3.Tests.Oracle;

/// <summary>One golden file: named columns of numbers or strings. Immutable once loaded.</summary>
public sealed class GoldenFile
{
    private const int FormatVersion = 1;
    private readonly Dictionary<string, Array> _columns = new(StringComparer.Ordinal);

    private GoldenFile(string path)
    {
        Path = path;
    }

    /// <summary>Where the file was read from, for messages.</summary>
    public string Path { get; }

    public static GoldenFile Load(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the golden files are little-endian");
        }

        var bytes = File.ReadAllBytes(path);
        var file = new GoldenFile(path);
        var span = bytes.AsSpan();
        if (span.Length < 16 || Encoding.ASCII.GetString(span[..8]) != "GAH3GOLD")
        {
            throw new InvalidDataException($"{path} is not a golden file");
        }

        var version = BitConverter.ToInt32(span[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path} has format version {version}, expected {FormatVersion}");
        }

        var columnCount = BitConverter.ToInt32(span[12..]);
        var offset = 16;
        for (var c = 0; c < columnCount; c++)
        {
            int nameLength = BitConverter.ToUInt16(span[offset..]);
            offset += 2;
            var name = Encoding.UTF8.GetString(span.Slice(offset, nameLength));
            offset += nameLength;
            var type = span[offset];
            offset += 1;
            var count = BitConverter.ToInt32(span[offset..]);
            offset += 4;
            Array values;
            switch (type)
            {
                case 1:
                    values = MemoryMarshal.Cast<byte, double>(span.Slice(offset, count * 8)).ToArray();
                    offset += count * 8;
                    break;
                case 2:
                    values = MemoryMarshal.Cast<byte, ulong>(span.Slice(offset, count * 8)).ToArray();
                    offset += count * 8;
                    break;
                case 3:
                    values = MemoryMarshal.Cast<byte, int>(span.Slice(offset, count * 4)).ToArray();
                    offset += count * 4;
                    break;
                case 4:
                    values = span.Slice(offset, count).ToArray();
                    offset += count;
                    break;
                case 5:
                    var strings = new string[count];
                    for (var i = 0; i < count; i++)
                    {
                        int length = BitConverter.ToUInt16(span[offset..]);
                        offset += 2;
                        strings[i] = Encoding.UTF8.GetString(span.Slice(offset, length));
                        offset += length;
                    }

                    values = strings;
                    break;
                default:
                    throw new InvalidDataException($"{path}: column {name} has unknown type {type}");
            }

            file._columns.Add(name, values);
        }

        if (offset != bytes.Length)
        {
            throw new InvalidDataException($"{path}: {bytes.Length - offset} trailing bytes");
        }

        return file;
    }

    public double[] F64(string name) => Column<double>(name);

    public ulong[] U64(string name) => Column<ulong>(name);

    public int[] I32(string name) => Column<int>(name);

    public byte[] U8(string name) => Column<byte>(name);

    public string[] Str(string name) => Column<string>(name);

    /// <summary>A list column: row i's values are <c>values[offsets[i]..offsets[i + 1]]</c>.</summary>
    public GoldenList<T> List<T>(string name) => new(Column<int>(name + ".offsets"), Column<T>(name));

    private T[] Column<T>(string name)
    {
        if (!_columns.TryGetValue(name, out var values))
        {
            throw new KeyNotFoundException($"{Path} has no column '{name}'; regenerate the golden data");
        }

        return values as T[]
            ?? throw new InvalidDataException($"{Path}: column '{name}' is {values.GetType().Name}, not {typeof(T).Name}[]");
    }
}

/// <summary>Rows of variable length stored as offsets into one value array.</summary>
public readonly struct GoldenList<T>(int[] offsets, T[] values)
{
    public int Count => offsets.Length - 1;

    public ReadOnlySpan<T> this[int row] => values.AsSpan(offsets[row], offsets[row + 1] - offsets[row]);

    public T[] ToArray(int row) => this[row].ToArray();
}
