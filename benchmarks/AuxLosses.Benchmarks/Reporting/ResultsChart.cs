using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace AuxLosses.Benchmarks.Reporting;

/// <summary>
/// docs/benchmarks/results.png: median time / GEMM floor median against B (log₂ axis), one panel per D, one line per method of the
/// suites that have a floor (the floor itself is the line y = 1).
/// </summary>
internal static class ResultsChart
{
    public static string Write(IReadOnlyList<ResultRow> rows, string directory)
    {
        var dims = rows.Where(r => r.D is not null).Select(r => r.D!.Value).Distinct().Order().ToList();
        var multiplot = new Multiplot();
        multiplot.AddPlots(Math.Max(dims.Count, 1));
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (var panel = 0; panel < dims.Count; panel++)
        {
            var plot = multiplot.GetPlot(panel);
            Draw(plot, rows, dims[panel]);
        }

        var path = Path.Combine(directory, "results.png");
        multiplot.SavePng(path, 700 * Math.Max(dims.Count, 1), 560);
        return path;
    }

    private static void Draw(Plot plot, IReadOnlyList<ResultRow> rows, int dim)
    {
        var inPanel = rows.Where(r => r.D == dim).ToList();
        var batches = inPanel.Select(r => r.B).Distinct().Order().ToList();
        var series = inPanel.Where(r => !r.IsFloor)
            .GroupBy(r => (r.Suite, r.Method, r.IsBaseline))
            .OrderBy(g => g.Key.Suite, StringComparer.Ordinal)
            .ThenBy(g => g.Key.IsBaseline);
        var palette = new ScottPlot.Palettes.Category10();
        var colorIndex = 0;
        foreach (var group in series)
        {
            var points = group
                .Select(r => (r.B, Floor: inPanel.FirstOrDefault(f => f.IsFloor && f.Suite == r.Suite && f.B == r.B)))
                .Where(p => p.Floor is not null)
                .Select(p => (X: Math.Log2(p.B), Y: group.First(r => r.B == p.B).MedianMs / p.Floor!.MedianMs))
                .OrderBy(p => p.X)
                .ToList();
            if (points.Count == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            line.LegendText = group.Key.IsBaseline ? $"{group.Key.Method} (baseline)" : $"{group.Key.Suite}.{group.Key.Method}";
            line.Color = palette.GetColor(colorIndex++);
            line.LinePattern = group.Key.IsBaseline ? LinePattern.Dashed : LinePattern.Solid;
            line.MarkerSize = 6;
        }

        var target = plot.Add.HorizontalLine(1.25);
        target.LinePattern = LinePattern.Dotted;
        target.Color = Colors.Gray;
        target.LegendText = "target 1.25× floor";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            batches.Select(b => Math.Log2(b)).ToArray(), batches.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.Label.Text = "time / GEMM floor";
        plot.Axes.Bottom.Label.Text = "batch size B";
        plot.Axes.Title.Label.Text = $"forward+backward vs 3-GEMM floor, D = {dim}";
        plot.ShowLegend(Alignment.UpperLeft);
    }
}
