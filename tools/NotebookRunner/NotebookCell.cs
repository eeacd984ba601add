using System.Text.Json.Nodes;

namespace AuxLosses.NotebookRunner;

/// <summary>One cell: its 1-based position among all cells (what a reader counts), and among code cells.</summary>
internal sealed record NotebookCell(int Number, int CodeNumber, string Kind, string Source, JsonObject Node)
{
    public bool IsCode => Kind == "code";
}
