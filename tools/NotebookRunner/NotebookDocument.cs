using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuxLosses.NotebookRunner;

/// <summary>
/// A Polyglot Notebooks <c>.ipynb</c> (nbformat 4, kernelspec <c>.net-csharp</c>): its cells in order and, for the
/// <c>--write-outputs</c> mode, the JSON to write executed outputs back into.
/// </summary>
internal sealed class NotebookDocument
{
    private readonly JsonObject root;

    private NotebookDocument(string path, JsonObject root, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        this.root = root;
        Cells = cells;
    }

    public string Path { get; }

    public IReadOnlyList<NotebookCell> Cells { get; }

    public IEnumerable<NotebookCell> CodeCells => Cells.Where(cell => cell.IsCode);

    /// <summary>Reads and validates a notebook; every problem throws <see cref="NotebookFormatException"/> naming the cell.</summary>
    public static NotebookDocument Load(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new NotebookFormatException($"{path}: the file is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException($"{path}: not valid JSON ({e.Message}).");
        }

        if (root["nbformat"]?.GetValue<int>() != 4)
        {
            throw new NotebookFormatException($"{path}: nbformat must be 4, but it is {root["nbformat"]?.ToJsonString() ?? "missing"}.");
        }

        var metadata = root["metadata"] as JsonObject;
        var kernel = metadata?["kernelspec"]?["name"]?.GetValue<string>();
        if (kernel != ".net-csharp")
        {
            throw new NotebookFormatException($"{path}: metadata.kernelspec.name must be \".net-csharp\" (Polyglot Notebooks' C# kernel), but it is {(kernel is null ? "missing" : $"\"{kernel}\"")}.");
        }

        var defaultLanguage = metadata?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() ?? "csharp";
        var cells = new List<NotebookCell>();
        var codeNumber = 0;
        foreach (var node in root["cells"] as JsonArray ?? throw new NotebookFormatException($"{path}: no \"cells\" array."))
        {
            var cell = node as JsonObject ?? throw new NotebookFormatException($"{path}: cell {cells.Count + 1} is not a JSON object.");
            var number = cells.Count + 1;
            var kind = cell["cell_type"]?.GetValue<string>() ?? throw new NotebookFormatException($"{path}: cell {number} has no cell_type.");
            var isCode = kind == "code";
            string? language = null;
            if (isCode)
            {
                codeNumber++;
                language = cell["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>()
                    ?? cell["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
                    ?? defaultLanguage;
                if (language != "csharp")
                {
                    throw new NotebookFormatException($"{path}: cell {number} is a \"{language}\" cell; the runner executes C# (\"csharp\") cells only.");
                }
            }

            cells.Add(new NotebookCell(number, isCode ? codeNumber : 0, kind, ReadSource(cell["source"]), cell));
        }

        return new NotebookDocument(path, root, cells);
    }

    /// <summary>Replaces every code cell's outputs and execution count with what the run recorded (cells not run are cleared).</summary>
    public void WriteOutputs(IReadOnlyDictionary<int, CellRecord> records, string path)
    {
        foreach (var cell in CodeCells)
        {
            var outputs = new JsonArray();
            JsonNode? count = null;
            if (records.TryGetValue(cell.Number, out var record))
            {
                count = record.ExecutionCount;
                foreach (var output in record.Outputs)
                {
                    outputs.Add(output.ToJson());
                }
            }

            cell.Node["execution_count"] = count;
            cell.Node["outputs"] = outputs;
        }

        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(path, root.ToJsonString(options) + "\n");
    }

    /// <summary>Splits text the way nbformat stores it: one string per line, each but the last keeping its newline.</summary>
    public static JsonArray ToLines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    private static string ReadSource(JsonNode? source) => source switch
    {
        null => string.Empty,
        JsonArray lines => string.Concat(lines.Select(line => line?.GetValue<string>() ?? string.Empty)),
        _ => source.GetValue<string>(),
    };
}
