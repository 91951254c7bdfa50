// Proves the CLI's own CSV reader and writer and the CsvHelper-backed ones behave the same before they are timed.
using System.Text;
using GeoAssign.Cli.Csv;

namespace GeoAssign.Benchmarks;

/// <summary>
/// Reads every edge case the CLI's CSV tests cover (quotes, doubled quotes, line breaks in fields,
/// LF/CRLF/CR, byte-order marks, blank lines, long records, malformed quoting with its line) and the
/// benchmark files with both readers, and writes awkward values with both writers; any difference in
/// records, line numbers, errors or bytes throws. Stateless.
/// </summary>
internal static class CsvEquivalence
{
    private static readonly string Big = new('x', 200_000);

    /// <summary>Inputs as text (read as UTF-8) or bytes, each named for the report.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> Inputs()
    {
        static (string, byte[]) Text(string name, string text) => (name, Encoding.UTF8.GetBytes(text));

        yield return Text("quotes, doubled quotes, commas and line breaks in fields", "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\n\"\",x");
        yield return Text("LF, CRLF and CR line ends, blank lines", "h1,h2\r\n1,2\r\n\r\n   \n3,4\r5,6\n");
        yield return Text("blank lines of tabs, an empty quoted field alone, CR CR LF", "a,b\n\t \t\n\"\"\n\r\r\n1,2\n");
        yield return Text("CRLF and CR inside quotes", "a,\"q\r\nr\",\"s\rt\"\r\n");
        yield return Text("non-ASCII", "żółw,ünïcode,日本,🚀\n");
        yield return ("UTF-8 BOM", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("id,lat\n1,2\n")]);
        yield return ("UTF-16 LE BOM", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("id,lat\n\"x,y\",2\n")]);
        yield return ("UTF-16 BE BOM", [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("id,lat\n1,2\n")]);
        yield return ("UTF-32 LE BOM", [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes("id,lat\n1,2\n")]);
        yield return ("BOM only", Encoding.UTF8.GetPreamble());
        yield return ("empty", []);
        yield return ("invalid UTF-8", [.. "a,"u8, 0xFF, 0xFE, .. ",b\nc,"u8, 0xC3]);
        yield return Text("no line break at the end", "id,lat,lng\n1,2,3");
        yield return Text("empty fields and trailing commas", "a,b,\n,,\n,\n");
        yield return Text("spaces around fields are kept", " a , b \n\t1\t, 2\n");
        yield return Text("a quote inside an unquoted field is text", "a,b\nx\"y,1\nz\"\",2\n");
        yield return Text("a quoted field after spaces is unquoted text", "a,b\n  \"q\",1\n");
        yield return Text("sep= is an ordinary first line", "sep=;\na;b\n");
        yield return Text("culture-invariant numbers stay text", "id,lat,lng\n1,1.5e3,-0.0\n2,+12.25,1,5\n");
        yield return Text("a NUL and other controls", "a\0b,c\u0001\n");
        yield return Text("records longer than the buffer", $"id,text\n1,\"{Big}\"\n2,{Big}\n3,\"{Big}\r\n{Big}\"\n");
        yield return Text("an unclosed quote", "a,b\n\"open,1\n2,3\n");
        yield return Text("an unclosed quote on a later line of a record", "a,b\n\"a\nb\",\"open\n1\n");
        yield return Text("text after a closing quote", "a,b\n\"x\"y,1\n");
        yield return Text("a space after a closing quote", "a,b\n\"x\" ,1\n");
        yield return Text("text after a closing quote on a later line", "a,b\n1,\"two\nlines\"x\n");
        yield return Text("a good record before a bad one", "a,b\n1,2\n3,\"4\"5\n");
    }

    /// <summary>Records for the writers: every value the CLI may write, multi-field records only (as the CLI writes).</summary>
    private static IEnumerable<string?[]> Records()
    {
        yield return ["plain", "a,b", "say \"hi\"", "two\nlines", " padded ", "", "ünïcode"];
        yield return [null, "x", "\ttab", "trail ", " lead", "cr\rhere", "crlf\r\nhere"];
        yield return ["=formula", "-12.5", "+1", "@x", "\"", "\"\"", " "];
        yield return ["", "", "", "", "", "", ""];
        yield return [Big, "🚀", "日本", "a\0b", "end\n", "\n", ","];
    }

    /// <summary>Checks everything; returns how many inputs, files and records were compared.</summary>
    /// <exception cref="InvalidOperationException">The two disagree somewhere.</exception>
    public static string Check(IEnumerable<CsvShape> shapes)
    {
        var inputs = 0;
        foreach (var (name, bytes) in Inputs())
        {
            var own = Outcome(() => ReadOwn(new MemoryStream(bytes)));
            var library = Outcome(() => ReadLibrary(new MemoryStream(bytes)));
            Compare(name, own, library);
            inputs++;
        }

        var files = 0;
        long rows = 0;
        foreach (var shape in shapes)
        {
            var path = CsvFiles.Path(shape);
            var own = ReadOwn(File.OpenRead(path));
            var library = ReadLibrary(File.OpenRead(path));
            Compare(shape.ToString(), (own, null), (library, null));
            var ownBytes = WriteOwn(own.Select(r => r.Fields));
            var libraryBytes = WriteLibrary(own.Select(r => r.Fields));
            CompareBytes($"{shape} written back", ownBytes, libraryBytes);
            rows += own.Count;
            files++;
        }

        var records = Records().ToList();
        CompareBytes("awkward values", WriteOwn(records), WriteLibrary(records));
        return $"CSV: both readers agree on {inputs} edge-case inputs and {files} files ({rows:N0} records); both writers write the same bytes.";
    }

    private static List<(long Line, string[] Fields)> ReadOwn(Stream stream)
    {
        using var reader = new CsvReader(stream);
        var records = new List<(long, string[])>();
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            records.Add((reader.RecordLine, [.. fields]));
        }

        return records;
    }

    private static List<(long Line, string[] Fields)> ReadLibrary(Stream stream)
    {
        using var reader = new CsvRecordReader(stream);
        var records = new List<(long, string[])>();
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            records.Add((reader.RecordLine, [.. fields]));
        }

        return records;
    }

    private static byte[] WriteOwn(IEnumerable<string?[]> records)
    {
        var stream = new MemoryStream();
        using (var writer = new CsvWriter(stream))
        {
            foreach (var record in records)
            {
                writer.WriteRecord(record);
            }
        }

        return stream.ToArray();
    }

    private static byte[] WriteLibrary(IEnumerable<string?[]> records)
    {
        var stream = new MemoryStream();
        using (var writer = new CsvRecordWriter(stream))
        {
            foreach (var record in records)
            {
                writer.WriteRecord(record);
            }
        }

        return stream.ToArray();
    }

    private static (List<(long Line, string[] Fields)>? Records, CsvFormatException? Error) Outcome(Func<List<(long, string[])>> read)
    {
        try
        {
            return (read(), null);
        }
        catch (CsvFormatException e)
        {
            return (null, e);
        }
    }

    private static void Compare(string name,
        (List<(long Line, string[] Fields)>? Records, CsvFormatException? Error) own,
        (List<(long Line, string[] Fields)>? Records, CsvFormatException? Error) library)
    {
        if (own.Error is not null || library.Error is not null)
        {
            if (own.Error?.Line != library.Error?.Line || own.Error?.Message != library.Error?.Message)
            {
                throw new InvalidOperationException(
                    $"{name}: own reader {Describe(own.Error)}, library {Describe(library.Error)}.");
            }

            return;
        }

        var (a, b) = (own.Records!, library.Records!);
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            if (i >= a.Count || i >= b.Count || a[i].Line != b[i].Line || !a[i].Fields.SequenceEqual(b[i].Fields))
            {
                throw new InvalidOperationException(
                    $"{name}: record {i} differs: own reader {Describe(a, i)}, library {Describe(b, i)}.");
            }
        }
    }

    private static void CompareBytes(string name, byte[] own, byte[] library)
    {
        var at = own.AsSpan().CommonPrefixLength(library);
        if (at != own.Length || at != library.Length)
        {
            throw new InvalidOperationException(
                $"{name}: the writers differ at byte {at} of {own.Length}/{library.Length}: own \"{Show(own, at)}\", library \"{Show(library, at)}\".");
        }
    }

    private static string Describe(CsvFormatException? error) => error is null ? "read it" : $"failed on line {error.Line}: {error.Message}";

    private static string Describe(List<(long Line, string[] Fields)> records, int i) =>
        i < records.Count ? $"line {records[i].Line} [{Escape(string.Join('|', records[i].Fields))}]" : "nothing";

    private static string Show(byte[] bytes, int at) => Escape(Encoding.UTF8.GetString(bytes, at, Math.Min(40, bytes.Length - at)));

    private static string Escape(string text) =>
        (text.Length > 120 ? text[..120] + "…" : text).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
