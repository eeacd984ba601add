using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace AuxLosses.NotebookRunner;

/// <summary>
/// The members every cell can call without a qualifier, standing in for the ones Polyglot Notebooks' C# kernel
/// imports from <c>Microsoft.DotNet.Interactive.Kernel</c>: <c>display(value)</c> and <c>HTML(markup)</c>.
/// </summary>
public sealed partial class NotebookGlobals
{
    private readonly Action<string> print;

    internal NotebookGlobals(Action<string> print) => this.print = print;

    internal CellRecord? Current { get; set; }

    /// <summary>Shows a value below the cell: text for plain values, the image or markup for <see cref="HtmlContent"/>.</summary>
    /// <param name="value">What to show.</param>
    /// <param name="mimeTypes">Accepted for compatibility with Polyglot Notebooks; the runner renders text or HTML.</param>
    /// <returns>A handle to show a new value later.</returns>
    public DisplayedValue display(object? value, params string[] mimeTypes)
    {
        if (value is HtmlContent html)
        {
            Current?.Outputs.Add(new DisplayOutput("text/html", html.Html));
            var images = ImageTag().Count(html.Html);
            print(images > 0 ? $"[display: {images} image(s), {html.Html.Length:N0} characters of HTML]\n" : $"[display: HTML] {html.Html}\n");
        }
        else
        {
            var text = Format(value);
            Current?.Outputs.Add(new DisplayOutput("text/plain", text));
            print(text + "\n");
        }

        return new DisplayedValue(this);
    }

    /// <summary>Wraps markup so that <see cref="display"/> renders it as HTML.</summary>
    /// <param name="markup">The HTML.</param>
    /// <returns>The content to display.</returns>
#pragma warning disable CA1822 // Cells see the globals object's instance members; this one must sit beside display().
    public HtmlContent HTML(string markup) => new(markup);
#pragma warning restore CA1822

    /// <summary>Plain-text rendering: strings as they are, sequences one item per line, anything else by ToString.</summary>
    internal static string Format(object? value) => value switch
    {
        null => "<null>",
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join("\n", items.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? string.Empty,
    };

    [GeneratedRegex("<img\\b", RegexOptions.IgnoreCase)]
    private static partial Regex ImageTag();
}
