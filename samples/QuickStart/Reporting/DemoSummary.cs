using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using AuxLosses.Models;

namespace AuxLosses.QuickStart;

/// <summary>Every run of the demo and their per-objective aggregates; renders the table the demo prints.</summary>
internal sealed class DemoSummary
{
    private const string Baseline = "CE";

    private DemoSummary(IReadOnlyList<RunResult> runs, IReadOnlyList<ObjectiveSummary> objectives, SyntheticCeilings ceilings, DemoSettings settings, TimeSpan wallTime)
    {
        Runs = runs;
        Objectives = objectives;
        Ceilings = ceilings;
        Settings = settings;
        WallTime = wallTime;
    }

    public IReadOnlyList<RunResult> Runs { get; }

    public IReadOnlyList<ObjectiveSummary> Objectives { get; }

    public SyntheticCeilings Ceilings { get; }

    public DemoSettings Settings { get; }

    public TimeSpan WallTime { get; }

    /// <summary>Aggregates the runs per objective, in <paramref name="order"/>.</summary>
    public static DemoSummary Create(IReadOnlyList<RunResult> runs, IReadOnlyList<string> order, SyntheticCeilings ceilings, DemoSettings settings, TimeSpan wallTime)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(order);
        var baseline = runs.Where(run => run.Objective == Baseline).ToDictionary(run => run.Seed, run => run.TestMacroF1);
        var objectives = new List<ObjectiveSummary>();
        foreach (var name in order)
        {
            var group = runs.Where(run => run.Objective == name).OrderBy(run => run.Seed).ToArray();
            if (group.Length == 0)
            {
                continue;
            }

            var deltas = group.Where(run => baseline.ContainsKey(run.Seed)).Select(run => run.TestMacroF1 - baseline[run.Seed]).ToArray();
            var epochs = group.Min(run => run.ValidationMacroF1.Count);
            var curves = Enumerable.Range(0, epochs).Select(e => group.Select(run => run.ValidationMacroF1[e]).ToArray()).ToArray();
            objectives.Add(new ObjectiveSummary(
                name,
                group.Length,
                Mean(group.Select(run => run.TestMacroF1)),
                Std(group.Select(run => run.TestMacroF1)),
                Mean(group.Select(run => run.TestAccuracy)),
                name == Baseline || deltas.Length == 0 ? null : Mean(deltas),
                name == Baseline || deltas.Length == 0 ? null : Std(deltas),
                name == Baseline || deltas.Length == 0 ? null : deltas.Count(d => d > 0),
                Mean(group.Select(run => run.BestEpoch + 1.0)),
                curves.Select(Mean).ToArray(),
                curves.Select(Std).ToArray(),
                Mean(group.Select(run => run.Iid)),
                Mean(group.Select(run => run.Ttd)),
                Mean(group.Select(run => run.Itd)),
                Mean(group.Select(run => run.Seconds))));
        }

        return new DemoSummary(runs, objectives, ceilings, settings, wallTime);
    }

    /// <summary>The progress line printed when a run finishes.</summary>
    public static string RunLine(int done, int total, RunResult run) => string.Create(CultureInfo.InvariantCulture,
        $"[{done,2}/{total}] {run.Objective,-10} seed {run.Seed}: test macro-F1 {run.TestMacroF1:F3}, accuracy {run.TestAccuracy:F3} " +
        $"(best epoch {run.BestEpoch + 1}), ITD {run.Itd:F3}, {run.Seconds:F0} s");

    /// <summary>The results table (markdown, readable as plain text).</summary>
    public string Table()
    {
        var text = new StringBuilder();
        var runs = Objectives.Count == 0 ? 0 : Objectives.Max(o => o.Runs);
        var plural = runs == 1 ? "" : "s";
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Test macro-F1 over {runs} seed{plural} (mean ± std); Δ vs CE is the paired per-seed difference; wins: seeds on which it beat CE."));
        text.AppendLine();
        text.AppendLine("| objective  | macro-F1        | Δ vs CE          | wins | accuracy | best epoch | IID   | TTD   | ITD   |");
        text.AppendLine("|------------|-----------------|------------------|------|----------|------------|-------|-------|-------|");
        foreach (var o in Objectives)
        {
            var delta = o.DeltaVsBaselineMean is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d,7:+0.000;-0.000} ± {o.DeltaVsBaselineStd:F3}") : "";
            var wins = o.WinsVsBaseline is { } w ? string.Create(CultureInfo.InvariantCulture, $"{w}/{o.Runs}") : "";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {o.Objective,-10} | {o.MacroF1Mean:F3} ± {o.MacroF1Std:F3}   | {delta,-16} | {wins,-4} | {o.AccuracyMean:F3}    | {o.BestEpochMean,10:F1} | {o.Iid:F3} | {o.Ttd:F3} | {o.Itd:F3} |"));
        }

        text.AppendLine();
        text.Append(string.Create(CultureInfo.InvariantCulture,
            $"Bayes ceilings (macro-F1): text only {Ceilings.TextOnly.MacroF1:F3}, image only {Ceilings.ImageOnly.MacroF1:F3}, both {Ceilings.Joint.MacroF1:F3}. " +
            $"IID/TTD/ITD: mean same-label distances of the test posts' L2-normalised projections (lower ITD = image and text of a class closer)."));
        return text.ToString();
    }

    private static double Mean(IEnumerable<double> values)
    {
        var array = values.ToArray();
        return array.Length == 0 ? double.NaN : array.Average();
    }

    private static double Std(IEnumerable<double> values)
    {
        var array = values.ToArray();
        if (array.Length < 2)
        {
            return 0;
        }

        var mean = array.Average();
        return Math.Sqrt(array.Sum(v => (v - mean) * (v - mean)) / (array.Length - 1));
    }
}
