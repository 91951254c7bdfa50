// The CSV reader and writer on their own: RFC 4180 quoting, line ends, byte-order marks, blank lines, line numbers.
using System.Text;
using GeoAssign.Cli.Csv;

namespace GeoAssign.Cli.Tests;

public sealed class CsvRecordReaderTests
{
    private static List<(long Line, string[] Fields)> Read(byte[] bytes)
    {
        using var reader = new CsvRecordReader(new MemoryStream(bytes));
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
    public void Line_breaks_inside_quotes_read_as_lf_and_still_count_as_lines()
    {
        var records = Read("a,\"q\r\nr\",\"s\rt\"\r\nnext,1\n");
        Assert.Equal(["a", "q\nr", "s\nt"], records[0].Fields);
        Assert.Equal((4L, "next"), (records[1].Line, records[1].Fields[0]));
    }

    [Fact]
    public void Lines_of_tabs_and_a_lone_empty_quoted_field_are_blank()
    {
        var records = Read("a,b\n\t \t\n\"\"\n\r\r\n1,2\n");
        Assert.Equal([(1L, "a"), (6L, "1")], records.Select(r => (r.Line, r.Fields[0])));
    }

    [Fact]
    public void Stray_quotes_spaces_and_a_sep_line_are_text()
    {
        var records = Read("sep=;\nx\"y, \"q\" ,\t1\t\n");
        Assert.Equal(["sep=;"], records[0].Fields);
        Assert.Equal(["x\"y", " \"q\" ", "\t1\t"], records[1].Fields);
    }

    [Fact]
    public void Utf16_be_and_utf32_byte_order_marks_are_honoured_and_invalid_utf8_reads_as_replacement_characters()
    {
        Assert.Equal(["id", "lat"], Read([.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("id,lat")])[0].Fields);
        Assert.Equal(["id", "lat"], Read([.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes("id,lat")])[0].Fields);
        Assert.Equal(["a", "\uFFFD\uFFFD", "b"], Read([.. "a,"u8, 0xFF, 0xFE, .. ",b"u8])[0].Fields);
    }

    [Fact]
    public void A_quoting_error_on_a_later_line_of_a_record_names_that_line()
    {
        var unclosed = Assert.Throws<CsvFormatException>(() => Read("a,b\n\"a\nb\",\"open\n1\n"));
        Assert.Equal(3, unclosed.Line);
        Assert.Equal("the quoted field that starts on line 3 is never closed (a \" is missing)", unclosed.Message);
        var trailing = Assert.Throws<CsvFormatException>(() => Read("a,b\n1,\"two\nlines\"x\n"));
        Assert.Equal(3, trailing.Line);
        Assert.StartsWith("unexpected 'x' after the closing quote of a field", trailing.Message, StringComparison.Ordinal);
        var space = Assert.Throws<CsvFormatException>(() => Read("a,b\n1,2\n\"x\" ,1\n"));
        Assert.Equal(3, space.Line);
        Assert.StartsWith("unexpected ' ' after the closing quote", space.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_writer_quotes_only_what_needs_quotes_and_the_reader_reads_it_back()
    {
        var values = new[] { "plain", "a,b", "say \"hi\"", "two\nlines", " padded ", "", "ünïcode" };
        var stream = new MemoryStream();
        await using (var writer = new CsvRecordWriter(stream))
        {
            writer.WriteRecord(values);
        }

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Equal("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \",,ünïcode\n", text);
        Assert.Equal(values, Read(stream.ToArray())[0].Fields);
    }

    [Fact]
    public async Task The_writer_writes_null_as_empty_and_leaves_tabs_and_formulas_as_they_are()
    {
        var stream = new MemoryStream();
        await using (var writer = new CsvRecordWriter(stream))
        {
            writer.WriteRecord(null, "\ttab\t", "cr\rhere", "=formula", "-12.5");
        }

        Assert.Equal(",\ttab\t,\"cr\rhere\",=formula,-12.5\n", Encoding.UTF8.GetString(stream.ToArray()));
    }
}
