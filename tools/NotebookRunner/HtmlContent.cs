namespace AuxLosses.NotebookRunner;

/// <summary>HTML to display, as Polyglot Notebooks' <c>HTML(string)</c> returns it.</summary>
/// <param name="Html">The markup.</param>
public sealed record HtmlContent(string Html)
{
    /// <summary>The markup.</summary>
    public override string ToString() => Html;
}
