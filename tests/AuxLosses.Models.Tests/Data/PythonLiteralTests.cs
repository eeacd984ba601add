using System;
using System.Numerics;
using AuxLosses.Models.Internal;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Data;

public class PythonLiteralTests
{
    [Fact]
    public void Parses_strings_in_both_quotes_with_escapes()
    {
        var items = PythonLiteral.ParseList(@"['a\'b', ""c\""d"", 'back\\slash', 'nl\n tab\t', '\x41\u00e9\U0001F600', '\101\0', 'keep \d']");

        items.Should().Equal("a'b", "c\"d", "back\\slash", "nl\n tab\t", "Aé\U0001F600", "A\0", "keep \\d");
    }

    [Fact]
    public void Parses_integers_signs_underscores_trailing_comma_and_adjacent_strings()
    {
        var items = PythonLiteral.ParseList("  [ 915657464401580032 , -3, +4, 1_000, 'a' \"b\", ]  ");

        items.Should().Equal(new BigInteger(915657464401580032), new BigInteger(-3), new BigInteger(4), new BigInteger(1000), "ab");
    }

    [Fact]
    public void Empty_list_parses()
    {
        PythonLiteral.ParseList("[]").Should().BeEmpty();
    }

    [Theory]
    [InlineData("", "expected a Python list starting with '[' at column 1")]
    [InlineData("('a', 1)", "expected a Python list starting with '[' at column 1")]
    [InlineData("['a', 1", "unterminated list: no closing ']'")]
    [InlineData("['a' 1]", "expected ',' or ']' at column 6, found '1'")]
    [InlineData("['a', 1] x", "unexpected text after the list at column 10")]
    [InlineData("['abc, 1]", "unterminated string starting at column 2")]
    [InlineData("['a', 1.5]", "only strings and integers are allowed; found a non-integer number at column 7")]
    [InlineData("['a', None]", "expected a string or an integer at column 7, found 'N'")]
    [InlineData("['a', __import__('os')]", "expected a string or an integer at column 7, found '_'")]
    [InlineData(@"['\x4']", @"truncated \x/\u/\U escape in the string starting at column 2")]
    [InlineData("['a', 1_]", "malformed integer at column 7")]
    public void Rejects_what_is_not_a_list_of_strings_and_integers(string line, string message)
    {
        var act = () => PythonLiteral.ParseList(line);

        act.Should().Throw<FormatException>().WithMessage(message);
    }
}
