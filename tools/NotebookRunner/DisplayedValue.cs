namespace AuxLosses.NotebookRunner;

/// <summary>The handle <c>display(...)</c> returns, as in Polyglot Notebooks; <see cref="Update"/> displays a new value.</summary>
public sealed class DisplayedValue
{
    private readonly NotebookGlobals globals;

    internal DisplayedValue(NotebookGlobals globals) => this.globals = globals;

    /// <summary>Displays <paramref name="value"/> (a notebook replaces the earlier output; the runner appends it).</summary>
    /// <param name="value">The new value.</param>
    public void Update(object? value) => globals.display(value);
}
