using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace AuxLosses.Benchmarks;

/// <summary>
/// The parameter grid, narrowed by <c>--batch 256,1024</c> / <c>--dim 128</c> on the command line or the
/// <c>AUXLOSSES_BENCH_B</c> / <c>AUXLOSSES_BENCH_D</c> environment variables (BenchmarkDotNet's own
/// <c>--filter</c> selects classes and methods, not parameter values).
/// </summary>
internal static class Grid
{
    public const string BatchVariable = "AUXLOSSES_BENCH_B";
    public const string DimVariable = "AUXLOSSES_BENCH_D";

    public static IEnumerable<int> LossBatches => Filter([256, 1024, 4096], BatchVariable);

    public static IEnumerable<int> MatchingBatches => Filter([256, 1024], BatchVariable);

    public static IEnumerable<int> Dims => Filter([128, 512], DimVariable);

    /// <summary>Removes <c>--batch</c> / <c>--dim</c> from <paramref name="args"/> and records them as the grid filter.</summary>
    public static string[] Consume(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if ((args[i] == "--batch" || args[i] == "--dim") && i + 1 < args.Length)
            {
                Environment.SetEnvironmentVariable(args[i] == "--batch" ? BatchVariable : DimVariable, args[++i]);
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return [.. rest];
    }

    private static IEnumerable<int> Filter(int[] values, string variable)
    {
        var only = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(only))
        {
            return values;
        }

        var wanted = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.Parse(v, CultureInfo.InvariantCulture))
            .ToHashSet();
        return values.Where(wanted.Contains);
    }
}
