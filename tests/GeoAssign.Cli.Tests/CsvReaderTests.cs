// The CSV reader on its own: RFC 4180 quoting, line ends, byte-order marks, blank lines, line numbers.
using System.Text;
using GeoAssign.Cli.Csv;

namespace GeoAssign.Cli.Tests;

public sealed class CsvReaderTests
{
    private static List<(long Line, string[] Fields)> Read(byte[] bytes)
    {
        using var reader = new CsvReader(new MemoryStream(bytes));
        var records = new List<(long, string[])>();
        var fields = new List<string>();
        while (reader.ReadRecord(fields))
        {
            records.Add((reader.RecordLine, [.. fields]));
        }

        return records;
    }

    private static List<(long Line, string[] Fields)> Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Quotes_doubled_quotes_commas_and_line_breaks_inside_fields()
    {
        var records = Read("a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\n\"\",x");
        Assert.Equal(["a", "b,c", "say \"hi\"", "two\nlines", ""], records[0].Fields);
        Assert.Equal(1, records[0].Line);
        Assert.Equal(["", "x"], records[1].Fields);
        Assert.Equal(3, records[1].Line);
    }

    [Fact]
    public void Lf_crlf_and_cr_line_ends_and_blank_lines_count_as_lines()
    {
        var records = Read("h1,h2\r\n1,2\r\n\r\n   \n3,4\r5,6\n");
        Assert.Equal([(1L, "h1"), (2L, "1"), (5L, "3"), (6L, "5")], records.Select(r => (r.Line, r.Fields[0])));
    }

    [Fact]
    public void Byte_order_marks_are_dropped_whatever_the_encoding()
    {
        Assert.Equal(["id", "lat"], Read([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("id,lat")])[0].Fields);
        Assert.Equal(["id", "lat"], Read([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("id,lat")])[0].Fields);
        Assert.Equal(["żółw", "ünïcode"], Read("żółw,ünïcode")[0].Fields);
    }

    [Fact]
    public void An_unclosed_quote_or_text_after_a_closing_quote_is_a_format_error_with_its_line()
    {
        var unclosed = Assert.Throws<CsvFormatException>(() => Read("a,b\n\"open,1\n2,3\n"));
        Assert.Equal(2, unclosed.Line);
        var trailing = Assert.Throws<CsvFormatException>(() => Read("a,b\n\"x\"y,1\n"));
        Assert.Equal(2, trailing.Line);
    }

    [Fact]
    public void Records_longer_than_the_buffer_are_read_whole()
    {
        var big = new string('x', 200_000);
        var records = Read($"id,text\n1,\"{big}\"\n2,{big}\n");
        Assert.Equal(big, records[1].Fields[1]);
        Assert.Equal(big, records[2].Fields[1]);
    }

    [Fact]
    public async Task The_writer_quotes_only_what_needs_quotes_and_the_reader_reads_it_back()
    {
        var values = new[] { "plain", "a,b", "say \"hi\"", "two\nlines", " padded ", "", "ünïcode" };
        var stream = new MemoryStream();
        await using (var writer = new CsvWriter(stream))
        {
            writer.WriteRecord(values);
        }

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \",,ünïcode\n", text);
        Assert.Equal(values, Read(stream.ToArray())[0].Fields);
    }
}
