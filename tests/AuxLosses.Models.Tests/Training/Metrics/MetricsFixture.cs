using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace AuxLosses.Models.Tests.Training.Metrics;

/// <summary>One sklearn reference case from Fixtures/metrics.json (written by generate_metrics.py).</summary>
internal sealed record MetricsCase(
    string Name,
    int NumClasses,
    double ZeroDivision,
    int[] YTrue,
    int[] YPred,
    double Accuracy,
    long[,] Confusion,
    double[] Precision,
    double[] Recall,
    double[] F1,
    double[] Support,
    double[] Macro,
    double[] Weighted,
    double[] Micro,
    double[]? BalancedWeights)
{
    public override string ToString() => Name;
}

internal static class MetricsFixture
{
    private static readonly Lazy<IReadOnlyList<MetricsCase>> Loaded = new(Load);

    public static IReadOnlyList<MetricsCase> Cases => Loaded.Value;

    public static IEnumerable<object[]> CaseNames() => Cases.Select(c => new object[] { c.Name });

    public static MetricsCase Get(string name) => Cases.Single(c => c.Name == name);

    private static List<MetricsCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "metrics.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var result = new List<MetricsCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var n = c.GetProperty("num_classes").GetInt32();
            var rows = c.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            var confusion = new long[n, n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    confusion[i, j] = rows[i][j];
                }
            }

            var weights = c.GetProperty("balanced_weights");
            result.Add(new MetricsCase(
                c.GetProperty("name").GetString()!,
                n,
                c.GetProperty("zero_division").GetDouble(),
                Ints(c, "y_true"),
                Ints(c, "y_pred"),
                c.GetProperty("accuracy").GetDouble(),
                confusion,
                Doubles(c, "precision"),
                Doubles(c, "recall"),
                Doubles(c, "f1"),
                Doubles(c, "support"),
                Doubles(c, "macro"),
                Doubles(c, "weighted"),
                Doubles(c, "micro"),
                weights.ValueKind == JsonValueKind.Null ? null : weights.EnumerateArray().Select(v => v.GetDouble()).ToArray()));
        }

        return result;
    }

    private static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
