using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace AuxLosses.NotebookRunner;

/// <summary>What one executed code cell produced, in order: printed text and displayed values.</summary>
internal sealed class CellRecord
{
    public CellRecord(int executionCount) => ExecutionCount = executionCount;

    public int ExecutionCount { get; }

    public List<CellOutput> Outputs { get; } = [];

    /// <summary>Appends printed text, merging with a directly preceding stdout output as Jupyter does.</summary>
    public void AppendText(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (Outputs.Count > 0 && Outputs[^1] is StreamOutput last)
        {
            last.Text.Append(text);
        }
        else
        {
            var output = new StreamOutput();
            output.Text.Append(text);
            Outputs.Add(output);
        }
    }
}

/// <summary>One entry of a code cell's nbformat <c>outputs</c> array.</summary>
internal abstract class CellOutput
{
    public abstract JsonObject ToJson();
}

/// <summary>Text written to standard output.</summary>
internal sealed class StreamOutput : CellOutput
{
    public System.Text.StringBuilder Text { get; } = new();

    public override JsonObject ToJson() => new()
    {
        ["name"] = "stdout",
        ["output_type"] = "stream",
        ["text"] = NotebookDocument.ToLines(Text.ToString()),
    };
}

/// <summary>A value passed to <c>display</c>: its rendering under one MIME type.</summary>
internal sealed class DisplayOutput(string mimeType, string content) : CellOutput
{
    public override JsonObject ToJson() => new()
    {
        ["data"] = new JsonObject { [mimeType] = NotebookDocument.ToLines(content) },
        ["metadata"] = new JsonObject(),
        ["output_type"] = "display_data",
    };
}
