using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Reports;

namespace AuxLosses.Benchmarks.Reporting;

/// <summary>
/// Turns BenchmarkDotNet summaries into docs/benchmarks/results.md (loss, B, D, mean, ratio to the baseline port,
/// ratio to the GEMM floor of the same suite and size) and hands the rows to <see cref="ResultsChart"/>.
/// </summary>
internal static class ResultsExporter
{
    public static IReadOnlyList<ResultRow> Rows(IEnumerable<Summary> summaries) =>
        summaries
            .SelectMany(s => s.Reports)
            .Where(r => r.ResultStatistics is not null)
            .Select(r => new ResultRow(
                r.BenchmarkCase.Descriptor.Type.Name.Replace("Benchmarks", string.Empty, StringComparison.Ordinal),
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r.BenchmarkCase.Descriptor.Baseline,
                Convert.ToInt32(r.BenchmarkCase.Parameters["B"], CultureInfo.InvariantCulture),
                r.BenchmarkCase.Parameters.Items.Any(p => p.Name == "D") ? Convert.ToInt32(r.BenchmarkCase.Parameters["D"], CultureInfo.InvariantCulture) : null,
                r.ResultStatistics!.Mean / 1e6,
                r.ResultStatistics!.Median / 1e6))
            .ToList();

    public static string Write(IReadOnlyList<ResultRow> rows, string directory)
    {
        var markdown = new StringBuilder()
            .AppendLine("# AuxLosses benchmark results (forward + backward, float32, CPU)")
            .AppendLine()
            .AppendLine(MachineInfo.Describe())
            .AppendLine()
            .AppendLine("Job: in-process, 2 warm-ups + 7 measured single invocations per case. The machine is a shared 2-core VM, so single invocations "
                + "can be hit by other processes: the ratios use the **median**, which such outliers do not move; the mean is shown for completeness. "
                + "\"vs baseline\" divides by the plain TorchSharp port of the reference implementation in the same suite and size; "
                + "\"vs GEMM floor\" divides by the three B×B×D matrix products any such loss needs (forward I·Tᵀ, backward dS·T and dSᵀ·I).")
            .AppendLine()
            .AppendLine("| suite | method | B | D | mean (ms) | median (ms) | vs baseline | vs GEMM floor |")
            .AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows.OrderBy(r => r.Suite, StringComparer.Ordinal).ThenBy(r => r.D).ThenBy(r => r.B).ThenBy(r => Order(r)))
        {
            var peers = rows.Where(r => r.Suite == row.Suite && r.B == row.B && r.D == row.D).ToList();
            var baseline = peers.FirstOrDefault(r => r.IsBaseline);
            var floor = peers.FirstOrDefault(r => r.IsFloor);
            var method = row.IsBaseline ? $"{row.Method} (baseline)" : row.Method;
            markdown.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Suite} | {method} | {row.B} | {row.D?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {row.MeanMs:F2} | {row.MedianMs:F2} | {Ratio(row, baseline)} | {Ratio(row, floor)} |"));
        }

        var path = Path.Combine(directory, "results.md");
        File.WriteAllText(path, markdown.ToString());
        return path;
    }

    private static int Order(ResultRow row) => row.IsBaseline ? 0 : row.IsFloor ? 2 : 1;

    private static string Ratio(ResultRow row, ResultRow? reference) =>
        reference is null ? "—" : string.Create(CultureInfo.InvariantCulture, $"{row.MedianMs / reference.MedianMs:F2}×");
}
