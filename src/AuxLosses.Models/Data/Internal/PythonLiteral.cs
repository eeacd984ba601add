using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Parses one Python list literal of strings and integers (the HFM raw lines, written with Python's <c>repr</c>)
/// without evaluating anything: <c>[ 'a\'b', "c", 1, -2, ]</c>. Strings take single or double quotes, adjacent
/// literals concatenate as in Python, and the escapes <c>\\ \' \" \n \r \t \a \b \f \v \0-\777 \xhh \uXXXX
/// \UXXXXXXXX</c> and backslash-newline are decoded; an unknown escape is kept verbatim, as Python does.
/// Integers become <see cref="BigInteger"/> (tweet ids exceed 64 bits only in theory, but cost nothing to keep exact).
/// </summary>
internal static class PythonLiteral
{
    /// <summary>Parses <paramref name="line"/>; throws <see cref="FormatException"/> saying what and at which column.</summary>
    public static IReadOnlyList<object> ParseList(string line)
    {
        int i = 0;
        SkipSpace(line, ref i);
        if (i >= line.Length || line[i] != '[')
        {
            throw new FormatException($"expected a Python list starting with '[' at column {i + 1}");
        }

        i++;
        var items = new List<object>();
        while (true)
        {
            SkipSpace(line, ref i);
            if (i >= line.Length)
            {
                throw new FormatException("unterminated list: no closing ']'");
            }

            if (line[i] == ']')
            {
                i++;
                break;
            }

            items.Add(ParseItem(line, ref i));
            SkipSpace(line, ref i);
            if (i < line.Length && line[i] == ',')
            {
                i++;
                continue;
            }

            if (i < line.Length && line[i] == ']')
            {
                i++;
                break;
            }

            throw new FormatException(i >= line.Length
                ? "unterminated list: no closing ']'"
                : $"expected ',' or ']' at column {i + 1}, found '{line[i]}'");
        }

        SkipSpace(line, ref i);
        if (i < line.Length)
        {
            throw new FormatException($"unexpected text after the list at column {i + 1}");
        }

        return items;
    }

    private static object ParseItem(string s, ref int i)
    {
        char c = s[i];
        if (c == '\'' || c == '"')
        {
            // Python joins adjacent string literals: 'a' "b" == 'ab'.
            var sb = new StringBuilder();
            do
            {
                ParseString(s, ref i, sb);
                SkipSpace(s, ref i);
            }
            while (i < s.Length && (s[i] == '\'' || s[i] == '"'));
            return sb.ToString();
        }

        if (c == '-' || c == '+' || char.IsAsciiDigit(c))
        {
            int start = i;
            if (c == '-' || c == '+')
            {
                i++;
            }

            int digits = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_'))
            {
                i++;
            }

            string text = s[digits..i].Replace("_", string.Empty, StringComparison.Ordinal);
            if (text.Length == 0 || s[digits] == '_' || s[i - 1] == '_')
            {
                throw new FormatException($"malformed integer at column {start + 1}");
            }

            if (i < s.Length && (s[i] == '.' || s[i] == 'e' || s[i] == 'E' || char.IsAsciiLetter(s[i])))
            {
                throw new FormatException($"only strings and integers are allowed; found a non-integer number at column {start + 1}");
            }

            var value = BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            return c == '-' ? -value : value;
        }

        throw new FormatException($"expected a string or an integer at column {i + 1}, found '{c}'");
    }

    private static void ParseString(string s, ref int i, StringBuilder sb)
    {
        int start = i;
        char quote = s[i++];
        while (i < s.Length)
        {
            char c = s[i++];
            if (c == quote)
            {
                return;
            }

            if (c == '\n' || c == '\r')
            {
                break;
            }

            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (i >= s.Length)
            {
                break;
            }

            char e = s[i++];
            switch (e)
            {
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\n': break;
                case 'x': AppendCodePoint(sb, ReadHex(s, ref i, 2, start)); break;
                case 'u': AppendCodePoint(sb, ReadHex(s, ref i, 4, start)); break;
                case 'U': AppendCodePoint(sb, ReadHex(s, ref i, 8, start)); break;
                case >= '0' and <= '7':
                    {
                        int value = e - '0';
                        for (int k = 0; k < 2 && i < s.Length && s[i] >= '0' && s[i] <= '7'; k++)
                        {
                            value = (value * 8) + (s[i++] - '0');
                        }

                        AppendCodePoint(sb, value);
                        break;
                    }

                default:
                    // Python keeps unknown escapes such as \d verbatim.
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        throw new FormatException($"unterminated string starting at column {start + 1}");
    }

    private static int ReadHex(string s, ref int i, int count, int stringStart)
    {
        if (i + count > s.Length
            || !int.TryParse(s.AsSpan(i, count), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
        {
            throw new FormatException($"truncated \\x/\\u/\\U escape in the string starting at column {stringStart + 1}");
        }

        i += count;
        return value;
    }

    private static void AppendCodePoint(StringBuilder sb, int codePoint)
    {
        if (codePoint is < 0 or > 0x10FFFF)
        {
            throw new FormatException($"escape \\U{codePoint:X8} is not a Unicode code point");
        }

        // Lone surrogates (legal in Python str) are kept as single UTF-16 units.
        if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            sb.Append((char)codePoint);
        }
        else
        {
            sb.Append(char.ConvertFromUtf32(codePoint));
        }
    }

    private static void SkipSpace(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }
}
