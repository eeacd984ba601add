using System;
using System.Linq;
using AuxLosses.Models.Internal;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Data;

public class CsvRecordReaderTests
{
    [Fact]
    public void Records_carry_the_line_they_start_on()
    {
        var records = CsvRecordReader.Read("a,b\n\"x\ny\",2\n\n\"\"\"q\"\"\",\nlast,\"\"").ToList();

        records.Select(r => r.LineNumber).Should().Equal(1, 2, 5, 6);
        records[1].Fields.Should().Equal("x\ny", "2");
        records[2].Fields.Should().Equal("\"q\"", string.Empty);
        records[3].Fields.Should().Equal("last", string.Empty);
    }

    [Fact]
    public void Lone_cr_ends_a_record_and_stray_quotes_in_unquoted_fields_are_literal()
    {
        var records = CsvRecordReader.Read("a,b\r5 \"in\" ,c\r").ToList();

        records.Should().HaveCount(2);
        records[1].LineNumber.Should().Be(2);
        records[1].Fields.Should().Equal("5 \"in\" ", "c");
    }

    [Fact]
    public void Text_after_a_closing_quote_is_an_error_at_the_record_line()
    {
        var act = () => CsvRecordReader.Read("a,b\n1,2\n\"x\"y,3\n").ToList();

        var e = act.Should().Throw<CsvFormatException>().Which;
        e.LineNumber.Should().Be(3);
        e.Message.Should().Be("unexpected character 'y' after a closing quote on line 3");
    }

    [Fact]
    public void Unterminated_quote_reports_the_record_line()
    {
        var act = () => CsvRecordReader.Read("a\n\"open\nmore\nstill").ToList();

        var e = act.Should().Throw<CsvFormatException>().Which;
        e.LineNumber.Should().Be(2);
        e.Message.Should().Be("unterminated quoted field opened on line 2");
    }
}
