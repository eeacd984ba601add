using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AuxLosses.Reproduce.Tasks;

namespace AuxLosses.Reproduce.Results;

/// <summary>
/// agg_metrics_val's table as pandas writes it: a <c>metric</c> column with config.py's metric_names, then one
/// <c>epoch-{k}</c> column per epoch (1-based), floats as Python's repr.
/// </summary>
internal sealed class MetricsTable
{
    /// <summary>config.py's metric_names, in order.</summary>
    public static IReadOnlyList<string> MetricNames { get; } =
        ["f1_weighted", "f1_macro", "precision_weighted", "precision_macro", "recall_weighted", "recall_macro", "loss"];

    private readonly SortedDictionary<int, double[]> epochs = [];

    /// <summary>Epochs held (0-based).</summary>
    public IReadOnlyCollection<int> Epochs => epochs.Keys;

    /// <summary>The values of a 0-based epoch, in <see cref="MetricNames"/> order.</summary>
    public IReadOnlyList<double> this[int epoch] => epochs[epoch];

    public void Add(int epoch, EvaluationOutcome outcome)
    {
        var m = outcome.Metrics;
        epochs[epoch] = [m.WeightedF1, m.MacroF1, m.WeightedPrecision, m.MacroPrecision, m.WeightedRecall, m.MacroRecall, outcome.Loss];
    }

    public void Write(string path)
    {
        var text = new StringBuilder();
        text.Append("metric");
        foreach (var epoch in epochs.Keys)
        {
            text.Append(CultureInfo.InvariantCulture, $",epoch-{epoch + 1}");
        }

        text.Append('\n');
        for (var row = 0; row < MetricNames.Count; row++)
        {
            text.Append(MetricNames[row]);
            foreach (var values in epochs.Values)
            {
                text.Append(',').Append(PythonFloat.Format(values[row]));
            }

            text.Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a table this class wrote (to continue it after --resume); an absent file gives an empty table.</summary>
    public static MetricsTable Read(string path)
    {
        var table = new MetricsTable();
        if (!File.Exists(path))
        {
            return table;
        }

        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var columns = header.Skip(1).Select(h => int.Parse(h["epoch-".Length..], CultureInfo.InvariantCulture) - 1).ToArray();
        var values = columns.Select(_ => new double[MetricNames.Count]).ToArray();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var row = MetricNames.ToList().IndexOf(cells[0]);
            if (row < 0)
            {
                throw new FormatException($"{path}: unknown metric '{cells[0]}'");
            }

            for (var c = 0; c < columns.Length; c++)
            {
                values[c][row] = double.Parse(cells[c + 1], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        for (var c = 0; c < columns.Length; c++)
        {
            table.epochs[columns[c]] = values[c];
        }

        return table;
    }
}
