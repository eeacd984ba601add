using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AuxLosses.ApiReference;

/// <summary>Where a cref points, as seen from the page being written: the text to show and a link, if any.</summary>
internal readonly record struct CrefTarget(string Text, string? Href);

/// <summary>
/// Converts the content of XML documentation tags to markdown: paragraphs (<c>para</c>), fenced code (<c>code</c>),
/// code spans (<c>c</c>, <c>paramref</c>, <c>see langword</c>), links (<c>see cref</c> through a resolver,
/// <c>see href</c>), lists and emphasis. Text is whitespace-collapsed and escaped; code keeps its lines, dedented.
/// </summary>
internal sealed partial class DocMarkdown(Func<string, CrefTarget> resolveCref)
{
    /// <summary>Block content (summary, remarks, returns, ...): paragraphs, code blocks and lists, blank-line separated.</summary>
    public string Blocks(XElement? element, string? codeLanguage = null)
    {
        if (element is null)
        {
            return "";
        }

        var writer = new BlockWriter(this, codeLanguage);
        writer.Walk(element);
        return writer.Finish();
    }

    /// <summary>
    /// One line of markdown for a table cell or list item: the first paragraph only when <paramref name="firstParagraph"/>,
    /// otherwise every paragraph joined by a space (code blocks become code spans).
    /// </summary>
    public string Inline(XElement? element, bool firstParagraph = false)
    {
        if (element is null)
        {
            return "";
        }

        // The first paragraph stops at the first code block or list; the whole content flattens them to one line.
        var writer = new BlockWriter(this, null) { InlineCode = !firstParagraph };
        writer.Walk(element);
        var blocks = writer.Paragraphs();
        return firstParagraph
            ? blocks.FirstOrDefault(b => b.IsParagraph).Text ?? ""
            : string.Join(" ", blocks.Select(b => b.Text));
    }

    /// <summary>Escapes markdown's inline syntax characters in plain text.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|')
            {
                builder.Append('\\');
            }

            builder.Append(ch);
        }

        return builder.ToString();
    }

    /// <summary>A code span that survives backticks in its content.</summary>
    public static string CodeSpan(string code)
    {
        code = Whitespace().Replace(code, " ").Trim();
        if (code.Length == 0)
        {
            return "";
        }

        var longest = 0;
        foreach (Match run in Backticks().Matches(code))
        {
            longest = Math.Max(longest, run.Length);
        }

        var fence = new string('`', longest + 1);
        var pad = longest > 0 || code.StartsWith('`') || code.EndsWith('`') ? " " : "";
        return fence + pad + code + pad + fence;
    }

    /// <summary>A fenced code block: the XML's common indentation and blank edge lines removed.</summary>
    public static string CodeBlock(string code, string? language)
    {
        var lines = code.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        var body = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
        var fence = body.Contains("```", StringComparison.Ordinal) ? "~~~~" : "```";
        return fence + (language ?? "") + "\n" + body + "\n" + fence;
    }

    private string Cref(string cref, string? text)
    {
        var target = resolveCref(cref);
        var shown = string.IsNullOrWhiteSpace(text) ? CodeSpan(target.Text) : Escape(Whitespace().Replace(text, " ").Trim());
        return target.Href is null ? shown : $"[{shown}]({target.Href})";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("`+")]
    private static partial Regex Backticks();

    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();

    /// <summary>Walks one tag's content, collecting paragraphs (inline text) and blocks (code, lists).</summary>
    private sealed class BlockWriter(DocMarkdown owner, string? codeLanguage)
    {
        private readonly List<(string Text, bool IsParagraph)> _blocks = [];
        private readonly StringBuilder _paragraph = new();

        /// <summary>Code blocks become code spans (for one-line output).</summary>
        public bool InlineCode { get; init; }

        public void Walk(XElement element)
        {
            foreach (var node in element.Nodes())
            {
                switch (node)
                {
                    case XText text:
                        _paragraph.Append(Escape(Whitespace().Replace(text.Value, " ")));
                        break;
                    case XElement child:
                        Element(child);
                        break;
                }
            }
        }

        private void Element(XElement element)
        {
            switch (element.Name.LocalName)
            {
                case "para":
                    Flush();
                    Walk(element);
                    Flush();
                    break;
                case "code":
                    if (InlineCode)
                    {
                        _paragraph.Append(' ').Append(CodeSpan(element.Value)).Append(' ');
                        break;
                    }

                    Flush();
                    _blocks.Add((CodeBlock(element.Value, (string?)element.Attribute("language") ?? codeLanguage), false));
                    break;
                case "list":
                    Flush();
                    var list = List(element);
                    if (list.Length > 0)
                    {
                        _blocks.Add((list, false));
                    }

                    break;
                case "br":
                    Flush();
                    break;
                default:
                    _paragraph.Append(owner.InlineElement(element));
                    break;
            }
        }

        private string List(XElement list)
        {
            var type = (string?)list.Attribute("type") ?? "bullet";
            if (type == "table")
            {
                var cells = list.Elements("item").Select(owner.Cells).ToList();
                var header = list.Element("listheader") is { } head ? owner.Cells(head) : [];
                var columns = cells.Select(c => c.Count).Append(header.Count).Max();
                string Row(List<string> row) => "| " + string.Join(" | ", row.Concat(Enumerable.Repeat("", columns - row.Count))) + " |";
                var rows = new List<string> { Row(header), "|" + string.Concat(Enumerable.Repeat("---|", columns)) };
                rows.AddRange(cells.Select(Row));
                return string.Join("\n", rows);
            }

            var items = list.Elements("item").Select(owner.Item).ToList();
            return string.Join("\n", items.Select((item, i) => (type == "number" ? $"{i + 1}. " : "- ") + item));
        }

        private void Flush()
        {
            var text = Spaces().Replace(_paragraph.ToString(), " ").Trim();
            _paragraph.Clear();
            if (text.Length > 0)
            {
                // A paragraph that starts like a heading or a list item would become one.
                if (text[0] == '#' || text[0] == '+' || text[0] == '-' || text[0] == '=' || StartsWithNumberedItem().IsMatch(text))
                {
                    text = "\\" + text;
                }

                _blocks.Add((text, true));
            }
        }

        public string Finish()
        {
            Flush();
            return string.Join("\n\n", _blocks.Select(b => b.Text));
        }

        public List<(string Text, bool IsParagraph)> Paragraphs()
        {
            Flush();
            return _blocks;
        }
    }

    [GeneratedRegex(@"^\d+[.)] ")]
    private static partial Regex StartsWithNumberedItem();

    /// <summary>Inline markdown of one element (see, c, paramref, b, i, ...), block tags inside flattened.</summary>
    private string InlineElement(XElement element)
    {
        switch (element.Name.LocalName)
        {
            case "c":
                return CodeSpan(element.Value);
            case "paramref":
            case "typeparamref":
                return CodeSpan((string?)element.Attribute("name") ?? "");
            case "see":
            case "seealso":
                if ((string?)element.Attribute("langword") is { } word)
                {
                    return CodeSpan(word);
                }

                if ((string?)element.Attribute("href") is { } href)
                {
                    var label = Inline(element);
                    return $"[{(label.Length > 0 ? label : Escape(href))}]({href})";
                }

                if ((string?)element.Attribute("cref") is { } cref)
                {
                    return Cref(cref, element.Value);
                }

                return Inline(element);
            case "b":
            case "strong":
                return Emphasis(element, "**");
            case "i":
            case "em":
                return Emphasis(element, "*");
            default:
                return Inline(element);
        }
    }

    private string Emphasis(XElement element, string marker)
    {
        var inner = Inline(element);
        if (inner.Length == 0)
        {
            return "";
        }

        // Markdown emphasis cannot open or close next to a space; keep the spaces outside the markers.
        var lead = char.IsWhiteSpace(element.Value.FirstOrDefault()) ? " " : "";
        var trail = char.IsWhiteSpace(element.Value.LastOrDefault()) ? " " : "";
        return lead + marker + inner + marker + trail;
    }

    private List<string> Cells(XElement item)
    {
        var term = item.Element("term");
        var description = item.Element("description");
        return term is null && description is null ? [Inline(item)] : [Inline(term), Inline(description)];
    }

    private string Item(XElement item)
    {
        var term = item.Element("term");
        var description = item.Element("description");
        if (term is null && description is null)
        {
            return Inline(item);
        }

        var termText = Inline(term);
        var descriptionText = Inline(description);
        return termText.Length == 0 ? descriptionText
            : descriptionText.Length == 0 ? $"**{termText}**"
            : $"**{termText}**: {descriptionText}";
    }
}
