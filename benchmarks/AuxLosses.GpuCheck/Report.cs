using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace AuxLosses.GpuCheck;

/// <summary>One correctness comparison: the largest absolute and relative differences against a reference.</summary>
internal sealed record CheckRow(string Mode, string Loss, string Case, string DType, int Batch, int Depth, string Against, double LossAbsDiff, double GradMaxAbsDiff, double GradMaxRel, bool Pass, string Note);

/// <summary>One timing: mean milliseconds per forward+backward (and forward only) over repetitions.</summary>
internal sealed record TimingRow(string Mode, string Loss, string Implementation, string DType, int Batch, int Depth, int Repetitions, double ForwardMs, double ForwardBackwardMs, string Note);

/// <summary>Collects rows and writes results.json and results.md.</summary>
internal sealed class Report
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public List<CheckRow> Checks { get; } = new();

    public List<TimingRow> Timings { get; } = new();

    public List<string> Notes { get; } = new();

    public string Status { get; set; } = "ok";

    public bool AllPassed => Checks.All(c => c.Pass);

    public void Note(string line)
    {
        Notes.Add(line);
        System.Console.WriteLine(line);
    }

    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var payload = new { Status, AllPassed, Notes, Checks, Timings };
        File.WriteAllText(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(payload, Json));

        var md = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        md.AppendLine("# AuxLosses fused kernels — GPU check").AppendLine();
        md.AppendLine(ci, $"Status: **{Status}**, correctness: **{(AllPassed ? "all passed" : "FAILURES")}**").AppendLine();
        foreach (var n in Notes)
        {
            md.AppendLine("- " + n);
        }

        md.AppendLine().AppendLine("## Correctness").AppendLine();
        md.AppendLine("| mode | loss | case | dtype | B | D | against | |Δloss| | max |Δgrad| | max rel | pass | note |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in Checks)
        {
            md.AppendLine(ci, $"| {c.Mode} | {c.Loss} | {c.Case} | {c.DType} | {c.Batch} | {c.Depth} | {c.Against} | {c.LossAbsDiff:E2} | {c.GradMaxAbsDiff:E2} | {c.GradMaxRel:E2} | {(c.Pass ? "yes" : "**NO**")} | {c.Note} |");
        }

        md.AppendLine().AppendLine("## Timing (mean ms, CUDA events on the default stream)").AppendLine();
        md.AppendLine("| mode | loss | implementation | dtype | B | D | reps | forward | forward+backward | note |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in Timings)
        {
            md.AppendLine(ci, $"| {t.Mode} | {t.Loss} | {t.Implementation} | {t.DType} | {t.Batch} | {t.Depth} | {t.Repetitions} | {t.ForwardMs:F3} | {t.ForwardBackwardMs:F3} | {t.Note} |");
        }

        File.WriteAllText(Path.Combine(directory, "results.md"), md.ToString());
    }
}
