using System;
using System.Collections.Generic;
using System.Text;

namespace AuxLosses.Models.Internal;

/// <summary>One CSV record with the 1-based line it starts on.</summary>
internal readonly record struct CsvRecord(int LineNumber, IReadOnlyList<string> Fields);

/// <summary>
/// An RFC 4180 reader: comma-separated fields, fields in double quotes may hold commas, quotes (doubled) and line
/// breaks; records end at LF, CRLF or CR. A quote inside an unquoted field is kept literally (as pandas and Python's
/// csv module do) so that hand-written files with stray quotes still read.
/// </summary>
internal static class CsvRecordReader
{
    /// <summary>Splits <paramref name="text"/> into records; blank lines are skipped.</summary>
    /// <exception cref="FormatException">Thrown for an unterminated quoted field or text after a closing quote; the
    /// message names the line via the <c>line</c> out of <see cref="CsvFormatException"/>.</exception>
    public static IEnumerable<CsvRecord> Read(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        int i = 0;
        bool recordHasContent = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"' && field.Length == 0)
            {
                // Quoted field: runs to the matching quote; "" is an escaped quote.
                int quoteLine = line;
                i++;
                bool closed = false;
                while (i < text.Length)
                {
                    char q = text[i];
                    if (q == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        closed = true;
                        i++;
                        break;
                    }

                    if (q == '\n' || (q == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                    }

                    field.Append(q);
                    i++;
                }

                if (!closed)
                {
                    throw new CsvFormatException(recordLine, $"unterminated quoted field opened on line {quoteLine}");
                }

                if (i < text.Length && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                {
                    throw new CsvFormatException(recordLine, $"unexpected character '{text[i]}' after a closing quote on line {line}");
                }

                recordHasContent = true;
                continue;
            }

            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                recordHasContent = true;
                i++;
                continue;
            }

            if (c == '\r' || c == '\n')
            {
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                if (recordHasContent || field.Length > 0)
                {
                    fields.Add(field.ToString());
                    yield return new CsvRecord(recordLine, fields.ToArray());
                }

                fields.Clear();
                field.Clear();
                recordHasContent = false;
                line++;
                recordLine = line;
                continue;
            }

            field.Append(c);
            i++;
        }

        if (recordHasContent || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(recordLine, fields.ToArray());
        }
    }
}

/// <summary>A CSV structure error at a known 1-based record line.</summary>
internal sealed class CsvFormatException : FormatException
{
    public CsvFormatException(int lineNumber, string reason)
        : base(reason)
    {
        LineNumber = lineNumber;
    }

    public CsvFormatException()
    {
    }

    public CsvFormatException(string message)
        : base(message)
    {
    }

    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int LineNumber { get; }
}
