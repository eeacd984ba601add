using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ScottPlot;

namespace AuxLosses.QuickStart;

/// <summary>Writes the demo's files: summary.md, results.json, validation-curves.png and alignment-diagnostics.png.</summary>
internal static class DemoReport
{
    public const string SummaryFile = "summary.md";
    public const string ResultsFile = "results.json";
    public const string CurvesFile = "validation-curves.png";
    public const string DiagnosticsFile = "alignment-diagnostics.png";

    public static IReadOnlyList<string> FileNames { get; } = [SummaryFile, ResultsFile, CurvesFile, DiagnosticsFile];

    public static void Write(DemoSummary summary, string folder)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, SummaryFile), Markdown(summary));
        File.WriteAllText(Path.Combine(folder, ResultsFile), JsonSerializer.Serialize(new
        {
            settings = summary.Settings,
            ceilings = summary.Ceilings,
            wallTimeSeconds = summary.WallTime.TotalSeconds,
            objectives = summary.Objectives,
            runs = summary.Runs,
        }, RunResultJson.Options));
        ValidationCurves(summary).SavePng(Path.Combine(folder, CurvesFile), 1000, 520);
        AlignmentBars(summary).SavePng(Path.Combine(folder, DiagnosticsFile), 900, 480);
    }

    private static string Markdown(DemoSummary summary)
    {
        var s = summary.Settings;
        var text = new StringBuilder();
        text.AppendLine("# AuxLosses demo: auxiliary objectives on relation-dependent synthetic posts");
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{s.TrainCount}/{s.ValidationCount}/{s.TestCount} posts ({s.ImageSize}×{s.ImageSize} images, {s.TopicCount} topics); " +
            $"BERT-style text encoder (2 layers, hidden {s.TextHidden}) and ResNet-style image encoder (basic blocks [1,1,1,1], width {s.ImageWidth}) " +
            $"from scratch, concat fusion, projections d = {s.ProjectionSize}; AdamW lr {s.LearningRate:G}, batch {s.BatchSize}, {s.Epochs} epochs, " +
            $"10 % warmup, clipping 1.0; the best validation macro-F1 epoch is tested. Wall time {summary.WallTime.TotalMinutes:F1} min."));
        text.AppendLine();
        text.AppendLine(summary.Table());
        text.AppendLine();
        text.AppendLine("| objective | seed | test macro-F1 | accuracy | best epoch | IID | TTD | ITD | seconds |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var run in summary.Runs.OrderBy(r => r.Objective, StringComparer.Ordinal).ThenBy(r => r.Seed))
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {run.Objective} | {run.Seed} | {run.TestMacroF1:F3} | {run.TestAccuracy:F3} | {run.BestEpoch + 1} | {run.Iid:F3} | {run.Ttd:F3} | {run.Itd:F3} | {run.Seconds:F0} |"));
        }

        text.AppendLine();
        text.AppendLine($"![validation curves]({CurvesFile})");
        text.AppendLine();
        text.AppendLine($"![alignment diagnostics]({DiagnosticsFile})");
        return text.ToString();
    }

    /// <summary>Mean validation macro-F1 per epoch, one line per objective, ± one standard deviation shaded.</summary>
    private static Plot ValidationCurves(DemoSummary summary)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var k = 0; k < summary.Objectives.Count; k++)
        {
            var objective = summary.Objectives[k];
            var x = Enumerable.Range(1, objective.ValidationCurve.Count).Select(e => (double)e).ToArray();
            var mean = objective.ValidationCurve.ToArray();
            var color = palette.GetColor(k);
            if (objective.Runs > 1)
            {
                var band = plot.Add.FillY(x, mean.Zip(objective.ValidationCurveStd, (m, sd) => m - sd).ToArray(),
                    mean.Zip(objective.ValidationCurveStd, (m, sd) => m + sd).ToArray());
                band.FillColor = color.WithAlpha(0.15);
                band.LineWidth = 0;
            }

            var line = plot.Add.Scatter(x, mean);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{objective.Objective} (test {objective.MacroF1Mean:F3} ± {objective.MacroF1Std:F3})");
        }

        var joint = plot.Add.HorizontalLine(summary.Ceilings.TextOnly.MacroF1);
        joint.LinePattern = LinePattern.Dotted;
        joint.Color = Colors.Gray;
        joint.LegendText = "text-only Bayes ceiling";
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "validation macro-F1";
        var seeds = summary.Objectives.Max(o => o.Runs);
        plot.Axes.Title.Label.Text = seeds == 1 ? "Validation macro-F1 (one seed)" : $"Validation macro-F1 (mean ± std over {seeds} seeds)";
        var epochs = summary.Objectives.Max(o => o.ValidationCurve.Count);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(1, epochs).Select(e => (double)e).ToArray(),
            Enumerable.Range(1, epochs).Select(e => e.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>IID, TTD and ITD per objective as grouped bars (test posts, normalised projections, mean over seeds).</summary>
    private static Plot AlignmentBars(DemoSummary summary)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var metrics = new (string Name, Func<ObjectiveSummary, double> Value)[] { ("IID", o => o.Iid), ("TTD", o => o.Ttd), ("ITD", o => o.Itd) };
        var bars = new List<Bar>();
        for (var k = 0; k < summary.Objectives.Count; k++)
        {
            for (var m = 0; m < metrics.Length; m++)
            {
                bars.Add(new Bar
                {
                    Position = k * (metrics.Length + 1) + m,
                    Value = metrics[m].Value(summary.Objectives[k]),
                    FillColor = palette.GetColor(m),
                });
            }
        }

        plot.Add.Bars(bars);
        for (var m = 0; m < metrics.Length; m++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = metrics[m].Name, FillColor = palette.GetColor(m) });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            summary.Objectives.Select((_, k) => k * (metrics.Length + 1) + (metrics.Length - 1) / 2.0).ToArray(),
            summary.Objectives.Select(o => o.Objective).ToArray());
        plot.Axes.Left.Label.Text = "mean same-label distance (normalised)";
        plot.Axes.Title.Label.Text = "Alignment on test posts: image-image (IID), text-text (TTD), image-text (ITD)";
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
