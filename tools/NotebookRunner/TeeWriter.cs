using System;
using System.IO;
using System.Text;

namespace AuxLosses.NotebookRunner;

/// <summary>Console output of the cells: passed to the real console and recorded for the cell that is running.</summary>
internal sealed class TeeWriter(TextWriter console, Func<CellRecord?> current) : TextWriter
{
    public override Encoding Encoding => console.Encoding;

    public override void Write(char value)
    {
        console.Write(value);
        current()?.AppendText(value.ToString());
    }

    public override void Write(string? value)
    {
        console.Write(value);
        current()?.AppendText(value ?? string.Empty);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write((value ?? string.Empty) + "\n");

    public override void WriteLine() => Write("\n");

    public override void Flush() => console.Flush();
}
